#pragma once

#include <map>
#include <string>
#include <string_view>

#include "http/http.hpp"

namespace deadlined::http {

/// The fields of an application/x-www-form-urlencoded body or query; malformed escapes are
/// kept as written.
std::map<std::string, std::string> parse_form(std::string_view body);

/// "scheme://host[:port]" of an absolute url.
std::string origin_of(std::string_view url);

/// Whether a form's POST comes from our own pages: its Origin is public_url's, or absent, or
/// "null" from a browser that says the request is same-origin.
bool same_origin(const Request& request, std::string_view public_url);

/// A note as kept: no control characters but newlines, at most 500 bytes, cut on a UTF-8
/// character boundary.
std::string clean_note(std::string_view note);

/// The client's address: the first of X-Forwarded-For behind a trusted proxy, else the peer.
std::string client_of(const Request& request, bool trust_proxy);

}  // namespace deadlined::http
