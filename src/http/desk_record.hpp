#pragma once

#include <string>
#include <string_view>

#include "http/http.hpp"
#include "schedule/schedule.hpp"

namespace deadlined::http {

/// `text` percent-encoded for a query's value (RFC 3986: unreserved characters as they are).
std::string query_value(std::string_view text);

/// Who recorded a confirmation (journal::Confirmation::actor), as the Office reads it: the
/// unit by its link, the Office by the command line or at the desk (with the account's name).
std::string actor_words(const config::Config& config, const std::string& actor);

/// The address of the record of đôn đốc of one occurrence on the desk.
std::string record_href(const schedule::OpenOccurrence& occurrence);

/// `GET /status/record`: every message sent and every attempt for one occurrence (time,
/// unit, channel, address, stage in Vietnamese, outcome, error), the Office's login
/// required: the evidence it attaches when it reports that it chased.
Response record_page(Backend& backend, const Request& request);

}  // namespace deadlined::http
