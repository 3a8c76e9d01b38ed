#include "http/desk_record.hpp"

#include "http/pages.hpp"

namespace deadlined::http {

// Placeholder: the helper building the record view replaces this file.
std::string record_href(const schedule::OpenOccurrence&) {
  return {};
}

Response record_page(Backend&, const Request&) {
  return html_response(404, message_page("Không tìm thấy", "Không có trang này."));
}

}  // namespace deadlined::http
