#include "http/desk_downloads.hpp"

#include "http/pages.hpp"

namespace deadlined::http {

// Placeholder: the helper building the downloads replaces this file.
std::string downloads_html(const config::Config&, const DeskFilter&, config::SysSeconds) {
  return {};
}

Response report_download(Backend&, const Request&) {
  return html_response(404, message_page("Không tìm thấy", "Không có trang này."));
}

}  // namespace deadlined::http
