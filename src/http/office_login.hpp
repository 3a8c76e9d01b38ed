#pragma once

#include <optional>
#include <string>

#include "config/config.hpp"

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

}  // namespace deadlined::http
