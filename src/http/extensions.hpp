#pragma once

// Extensions (gia hạn) over HTTP: what the journal's trail makes of them, and the unit's side
// on its confirmation page (its request: a new date and the reason). The Office's side is on
// the desk (desk_actions).

#include <map>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "http/http.hpp"
#include "journal/store.hpp"
#include "schedule/extension.hpp"

namespace deadlined::http {

/// The extensions of the journal's trail in `config`. Throws when the journal cannot be read.
std::shared_ptr<const schedule::Extensions> read_extensions(const config::Config& config,
                                                            journal::Store& journal);

/// The deadline in force as the pages write it: "17:00 ngày 15/12/2026", with the original
/// one recalled when an extension moved it.
std::string deadline_text(const config::Config& config, const schedule::Extensions& extensions,
                          const ids::AssignmentId& target, config::SysSeconds due);

/// The extension part of a unit's confirmation page: the request waiting, the last decision,
/// or the form to ask for more time (`csrf`: the page's form token).
std::string extension_section(const config::Config& config, const schedule::Extensions& extensions,
                              journal::Store& journal, const ids::AssignmentId& target,
                              config::SysSeconds due, const std::string& csrf,
                              config::SysSeconds now);

/// The POST of that form (its CSRF token checked by the caller): records the request
/// (actor "link") and answers with the page to return to, `back`.
Response request_extension(Backend& backend, const Request& request,
                           std::map<std::string, std::string>& form,
                           const ids::AssignmentId& target, config::SysSeconds due,
                           const std::string& back);

}  // namespace deadlined::http
