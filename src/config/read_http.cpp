#include <algorithm>

#include "config/readers.hpp"
#include "config/suggest.hpp"

namespace deadlined::config::detail {
namespace {

/// `[http.office.ID]`: name, and token_file, token_env or token_credential.
std::vector<OfficeAccount> read_office(TableReader& http, const std::filesystem::path& base_dir) {
  std::vector<OfficeAccount> out;
  const toml::node* node = http.node("office");
  if (!node) return out;
  const toml::table* table = node->as_table();
  if (!table) {
    http.wrong_type(*node, "office", "bảng");
    return out;
  }
  Reporter& reporter = http.reporter();
  for (auto&& [key, value] : *table) {
    std::string id(key.str());
    std::string context = "[http.office." + id + "]";
    if (!valid_id(id)) {
      reporter.error(key.source(), "tên tài khoản '" + id +
                                       "' không hợp lệ: chỉ gồm chữ cái không dấu, chữ số, '-' "
                                       "và '_'; viết '" +
                                       id_from(id) + "'");
      continue;
    }
    const toml::table* t = value.as_table();
    if (!t) {
      reporter.error(value.source(), context + " phải là bảng");
      continue;
    }
    TableReader r(*t, context, reporter);
    OfficeAccount account{id, id, {}};
    if (auto name = r.string("name")) account.name = *name;
    account.token = read_secret(r, "token", base_dir);
    r.finish();
    if (account.token.empty()) {
      reporter.error(t->source(), context +
                                      " cần mật khẩu: khai báo 'token_file', 'token_env' hoặc "
                                      "'token_credential'");
    } else if (account.token.value.size() < 16) {
      reporter.error(t->source(), "mật khẩu của " + context +
                                      " quá ngắn: dùng ít nhất 16 ký tự, ví dụ tạo bằng "
                                      "`openssl rand -base64 24`");
    } else {
      out.push_back(std::move(account));
    }
  }
  return out;
}

}  // namespace

HttpConfig read_http(TableReader& top, const std::filesystem::path& base_dir) {
  HttpConfig h;
  const toml::node* node = top.node("http");
  if (!node) return h;
  const toml::table* table = node->as_table();
  if (!table) {
    top.wrong_type(*node, "http", "bảng");
    return h;
  }
  h.enabled = true;
  TableReader r(*table, "[http]", top.reporter());
  Reporter& reporter = r.reporter();
  if (auto listen = r.string("listen")) {
    auto colon = listen->rfind(':');
    std::string host = colon == std::string::npos ? "" : listen->substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
    int port = 0;
    std::string digits = colon == std::string::npos ? "" : listen->substr(colon + 1);
    bool numeric =
        !digits.empty() && digits.size() <= 5 &&
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (numeric) port = std::stoi(digits);
    if (host.empty() || port < 1 || port > 65535) {
      reporter.error(table->get("listen")->source(),
                     "giá trị '" + *listen +
                         "' của 'listen' không hợp lệ: viết HOST:PORT, ví dụ \"127.0.0.1:8765\" "
                         "hoặc \"[::1]:8765\"");
    } else {
      h.host = host;
      h.port = static_cast<std::uint16_t>(port);
    }
  }
  if (auto url = r.string("public_url")) {
    h.public_url = *url;
    while (!h.public_url.empty() && h.public_url.back() == '/')
      h.public_url.pop_back();
    bool http_url = h.public_url.rfind("http://", 0) == 0 || h.public_url.rfind("https://", 0) == 0;
    if (has_control(h.public_url)) {
      reporter.error(table->get("public_url")->source(),
                     "'public_url' không được chứa ký tự điều khiển (ký tự CR hoặc LF sẽ cắt "
                     "đôi các phản hồi HTTP có chứa nó)");
    } else if (!http_url || has_userinfo(h.public_url)) {
      reporter.error(table->get("public_url")->source(),
                     "'public_url' phải là địa chỉ http:// hoặc https:// không chứa tên đăng "
                     "nhập, mật khẩu");
    }
  } else {
    bool v6 = h.host.find(':') != std::string::npos;
    h.public_url = "http://" + (v6 ? "[" + h.host + "]" : h.host) + ":" + std::to_string(h.port);
  }
  h.secret = read_secret(r, "secret", base_dir);
  if (h.secret.empty() && !table->contains("secret_file") && !table->contains("secret_env") &&
      !table->contains("secret_credential")) {
    reporter.error(table->source(),
                   "[http] cần khóa bí mật để ký đường liên kết xác nhận: khai báo "
                   "'secret_file', 'secret_env' hoặc 'secret_credential'");
  } else if (!h.secret.empty() && h.secret.value.size() < 16) {
    reporter.error(table->source(),
                   "khóa bí mật của [http] quá ngắn: dùng ít nhất 16 ký tự, ví dụ tạo bằng "
                   "`openssl rand -base64 32`");
  }
  h.admin_token = read_secret(r, "admin_token", base_dir);
  h.office = read_office(r, base_dir);
  // A token names its account in the audit trail: two accounts may not share one.
  for (std::size_t i = 0; i < h.office.size(); ++i) {
    bool shared = h.office[i].token.value == h.admin_token.value;
    for (std::size_t j = 0; j < i && !shared; ++j)
      shared = h.office[i].token.value == h.office[j].token.value;
    if (shared) {
      reporter.error(table->source(), "tài khoản '" + h.office[i].id +
                                          "' của [http.office] dùng chung mật khẩu với tài khoản "
                                          "khác: mỗi tài khoản cần mật khẩu riêng để nhật ký ghi "
                                          "đúng người thao tác");
    }
  }
  if (auto d = r.duration("link_grace")) h.link_grace = *d;
  if (auto b = r.boolean("trust_proxy")) h.trust_proxy = *b;
  r.finish();
  return h;
}

}  // namespace deadlined::config::detail
