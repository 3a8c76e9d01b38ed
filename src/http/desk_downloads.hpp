#pragma once

#include <string>

#include "config/config.hpp"
#include "http/desk.hpp"
#include "http/http.hpp"

namespace deadlined::http {

/// The desk's offer of the on-time report (report::compute) for download: CSV and XLSX for
/// the current month, quarter and year, limited to the desk's plan when it has one.
std::string downloads_html(const config::Config& config, const DeskFilter& filter,
                           config::SysSeconds now);

/// `GET /status/report`: the report of a month, quarter or year as CSV or XLSX (the Office's
/// login required), built on the background thread.
Response report_download(Backend& backend, const Request& request);

}  // namespace deadlined::http
