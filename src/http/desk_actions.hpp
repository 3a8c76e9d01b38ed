#pragma once

#include <string>

#include "config/config.hpp"
#include "http/http.hpp"
#include "ids/ids.hpp"

namespace deadlined::http {

/// What the desk's forms carry besides their fields: the CSRF token of the account logged
/// in, and the desk's query, to return to after the POST.
struct DeskForms {
  std::string csrf;
  std::string back;
};

/// The CSRF token of the desk's forms for the account `login_id`.
std::string desk_csrf(const config::HttpConfig& http, const std::string& login_id);

/// The form in a details element that records, on the unit's behalf, "Đã nhận báo cáo"
/// (document number, time of receipt, note) or, when the part is done, reopens it.
std::string action_form(const config::Config& config, const ids::AssignmentId& target, bool done,
                        const DeskForms& forms, config::SysSeconds now);

/// The form in a details element that grants a unit more time, or decides on its request
/// (`pending`: approve, possibly on another date, or refuse), its part's deadline in force
/// being `deadline`.
std::string extension_form(const ids::AssignmentId& target,
                           const schedule::ExtensionRequest* pending, config::SysSeconds deadline,
                           const config::Config& config, const DeskForms& forms);

/// `POST /status/extend`: the Office approves (field `until`) or refuses (`decision=refuse`)
/// a unit's extension, or grants one unasked; recorded as `office:ACCOUNT`, and the unit told.
Response extension_action(Backend& backend, const Request& request);

/// `POST /status/confirm`: the Office confirms or reopens a unit's part (its login, the
/// form's CSRF token and our own origin required), recorded as `office:ACCOUNT`.
Response desk_action(Backend& backend, const Request& request);

}  // namespace deadlined::http
