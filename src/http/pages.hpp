#pragma once

#include <string>
#include <string_view>

namespace deadlined::http {

/// `text` with &, <, >, " and ' replaced by entities: safe in element content and in quoted
/// attribute values.
std::string escape_html(std::string_view text);

/// A whole Vietnamese page around `body_html` (already escaped), with `title` escaped.
std::string page(std::string_view title, std::string_view body_html);

/// A short page with one message (escaped).
std::string message_page(std::string_view title, std::string_view message);

}  // namespace deadlined::http
