#pragma once

#include <string>
#include <string_view>

namespace deadlined::message {

/// A header field "Name: value" folded to lines of at most 78 characters, ending in CRLF.
/// Non-ASCII values become RFC 2047 "B" encoded-words of at most 75 characters that never
/// split a UTF-8 sequence.
std::string header_field(std::string_view name, std::string_view value);

/// A mailbox "Display Name <addr>" header field; the display name encoded per RFC 2047.
std::string address_field(std::string_view name, std::string_view display_name,
                          std::string_view address);

/// Base64 body lines of 76 characters, CRLF-terminated.
std::string base64_body(std::string_view bytes);

/// Converts bare LF line ends to CRLF.
std::string to_crlf(std::string_view text);

}  // namespace deadlined::message
