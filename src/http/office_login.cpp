#include "http/office_login.hpp"

#include <string_view>

#include "codec/base64.hpp"
#include "codec/hmac.hpp"
#include "http/pages.hpp"

namespace deadlined::http {
namespace {

/// The token of an Authorization header, or nothing.
std::optional<std::string> token_of(const std::string& header) {
  constexpr std::string_view k_bearer = "Bearer ";
  constexpr std::string_view k_basic = "Basic ";
  if (header.rfind(k_bearer, 0) == 0) return header.substr(k_bearer.size());
  if (header.rfind(k_basic, 0) == 0) {
    auto decoded = codec::base64_decode(std::string_view(header).substr(k_basic.size()));
    if (!decoded) return std::nullopt;
    auto colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    return decoded->substr(colon + 1);
  }
  return std::nullopt;
}

}  // namespace

bool desk_enabled(const config::HttpConfig& http) {
  return !http.admin_token.empty() || !http.office.empty();
}

std::optional<OfficeLogin> office_login(const config::HttpConfig& http,
                                        const std::string& authorization) {
  auto token = token_of(authorization);
  if (!token || token->empty()) return std::nullopt;
  // Every token is compared, so the time taken does not tell which account was near.
  std::optional<OfficeLogin> found;
  if (!http.admin_token.empty() && codec::constant_time_equal(*token, http.admin_token.value))
    found = OfficeLogin{"admin", "Quản trị"};
  for (const config::OfficeAccount& account : http.office) {
    if (codec::constant_time_equal(*token, account.token.value))
      found = OfficeLogin{account.id, account.name};
  }
  return found;
}

std::variant<OfficeLogin, Response> desk_login(const config::HttpConfig& http,
                                               const Request& request) {
  if (!desk_enabled(http)) {
    return html_response(404, message_page("Không tìm thấy",
                                           "Trang theo dõi chưa được bật: đặt admin_token_file "
                                           "hoặc tài khoản [http.office.TÊN] trong mục [http] "
                                           "của cấu hình."));
  }
  if (auto login = office_login(http, request.header("authorization"))) return *login;
  Response r = html_response(401, message_page("Cần đăng nhập",
                                               "Trang theo dõi dành cho Văn phòng; xin "
                                               "đăng nhập bằng tài khoản được cấp."));
  r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"deadlined\", charset=\"UTF-8\"");
  return r;
}

}  // namespace deadlined::http
