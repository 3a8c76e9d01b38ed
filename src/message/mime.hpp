#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace deadlined::message {

/// A header field "Name: value" of unstructured text, ending in CRLF. Printable ASCII is
/// folded at its spaces to lines of at most 78 characters. Other text becomes RFC 2047 "B"
/// encoded-words of at most 75 characters on lines of at most 76, each carrying whole words
/// and the spaces between them, so that the decoded value is `value` exactly; a word is split
/// (between UTF-8 sequences) only when longer than a line holds.
std::string header_field(std::string_view name, std::string_view value);

/// A mailbox "Display Name <addr>" header field: the display name quoted, or encoded as
/// header_field encodes text; the address never encoded.
std::string address_field(std::string_view name, std::string_view display_name,
                          std::string_view address);

/// An address list "a@x, b@y" folded between addresses; the addresses are never encoded (the
/// loader admits ASCII addresses only).
std::string address_list_field(std::string_view name, const std::vector<std::string>& addresses);

/// Base64 body lines of 76 characters, CRLF-terminated.
std::string base64_body(std::string_view bytes);

/// Converts bare LF line ends to CRLF.
std::string to_crlf(std::string_view text);

}  // namespace deadlined::message
