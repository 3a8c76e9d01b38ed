#pragma once

#include <string>
#include <string_view>

#include "http/http.hpp"

namespace deadlined::http {

/// `text` with &, <, >, " and ' replaced by entities: safe in element content and in quoted
/// attribute values.
std::string escape_html(std::string_view text);

/// A whole Vietnamese page around `body_html` (already escaped), with `title` escaped.
std::string page(std::string_view title, std::string_view body_html);

/// A short page with one message (escaped).
std::string message_page(std::string_view title, std::string_view message);

Response html_response(int status, std::string body);
Response text_response(int status, std::string body);

/// The status page (Authorization: Bearer or Basic with the admin token).
Response status_page(Backend& backend, const Request& request);

/// The iCalendar feed of one unit: /calendar/UNIT.ics?token=TOKEN.
Response calendar_feed(Backend& backend, const Request& request, std::string_view file);

}  // namespace deadlined::http
