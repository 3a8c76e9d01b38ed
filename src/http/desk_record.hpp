#pragma once

#include <string>

#include "http/http.hpp"
#include "schedule/schedule.hpp"

namespace deadlined::http {

/// The address of the record of đôn đốc of one occurrence on the desk.
std::string record_href(const schedule::OpenOccurrence& occurrence);

/// `GET /status/record`: every message sent and every attempt for one occurrence (time,
/// unit, channel, address, stage in Vietnamese, outcome, error), the Office's login
/// required: the evidence it attaches when it reports that it chased.
Response record_page(Backend& backend, const Request& request);

}  // namespace deadlined::http
