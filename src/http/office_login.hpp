#pragma once

#include <optional>
#include <string>
#include <variant>

#include "config/config.hpp"
#include "http/http.hpp"

namespace deadlined::http {

/// Who is at the desk: an account of `[http.office]`, or "admin" for `admin_token`.
struct OfficeLogin {
  std::string id;    ///< recorded as `office:ID`
  std::string name;  ///< as the desk shows it
};

/// Whether the desk is on: an admin token or an Office account is configured.
bool desk_enabled(const config::HttpConfig& http);

/// The account whose token `authorization` carries: `Bearer TOKEN`, or HTTP Basic with TOKEN
/// as the password (any user name, so that a browser can ask for it). Every configured token
/// is compared, in constant time.
std::optional<OfficeLogin> office_login(const config::HttpConfig& http,
                                        const std::string& authorization);

/// The gate of a page of the desk: who is logged in, or the response that refuses the
/// request (404 while the desk is off, 401 with a Basic challenge without a valid token),
/// worded as `status_page` words them.
std::variant<OfficeLogin, Response> desk_login(const config::HttpConfig& http,
                                               const Request& request);

}  // namespace deadlined::http
