#include "config/readers.hpp"
#include "util/url.hpp"

namespace deadlined::config::detail {

namespace fs = std::filesystem;

EmailSection read_email(TableReader& top, const fs::path& base_dir) {
  EmailSection section;
  const toml::node* node = top.node("email");
  if (!node) return section;
  const toml::table* table = node->as_table();
  if (!table) {
    top.wrong_type(*node, "email", "bảng");
    return section;
  }
  EmailConfig& e = section.values;
  TableReader r(*table, "[email]", top.reporter());
  Reporter& reporter = r.reporter();

  auto transport = r.string("transport", true);
  if (transport == "smtp") {
    e.transport = EmailConfig::Transport::smtp;
  } else if (transport == "maildir") {
    e.transport = EmailConfig::Transport::maildir;
  } else if (transport) {
    reporter.error(table->get("transport")->source(),
                   "giá trị '" + *transport +
                       "' của 'transport' không hợp lệ: dùng \"smtp\" hoặc \"maildir\"");
  }
  if (auto from = r.string("from", true)) {
    std::string text = trim(*from);
    auto open = text.rfind('<');
    if (open != std::string::npos && text.back() == '>') {
      e.from_address = trim(text.substr(open + 1, text.size() - open - 2));
      e.from_name = trim(text.substr(0, open));
      if (e.from_name.size() >= 2 && e.from_name.front() == '"' && e.from_name.back() == '"') {
        e.from_name = e.from_name.substr(1, e.from_name.size() - 2);
      }
    } else {
      e.from_address = text;
    }
    if (!valid_email(e.from_address)) {
      reporter.error(table->get("from")->source(),
                     "địa chỉ 'from' '" + *from +
                         "' không hợp lệ: viết \"Tên <user@example.org>\" hoặc "
                         "\"user@example.org\"");
    } else if (!is_ascii(e.from_address)) {
      reporter.error(table->get("from")->source(),
                     "địa chỉ 'from' '" + e.from_address + "'" + std::string(k_non_ascii_address));
    }
  }

  auto url = r.string("url");
  auto tls = r.string("tls");
  auto maildir = r.string("maildir");
  auto helo_name = r.string("helo_name");
  if (auto t = r.duration("timeout")) e.timeout = *t;
  e.rate = read_rate(r);
  if (auto v = r.boolean("insecure_skip_verify")) e.insecure_skip_verify = *v;
  if (auto v = r.boolean("allow_cleartext_auth")) e.allow_cleartext_auth = *v;
  if (auto user = r.string("username")) e.username = *user;
  e.password = read_secret(r, "password", base_dir);
  if (auto ca = r.string("ca_file")) e.ca_file = resolve_against(base_dir, *ca);

  if (e.transport == EmailConfig::Transport::smtp) {
    if (!url) {
      reporter.error(table->source(),
                     "thiếu khóa bắt buộc 'url' trong [email] khi transport = \"smtp\"");
    } else if (has_control(*url)) {
      reporter.error(table->get("url")->source(),
                     "'url' của SMTP không được chứa ký tự điều khiển");
    } else if (url->rfind("smtp://", 0) != 0 && url->rfind("smtps://", 0) != 0) {
      reporter.error(table->get("url")->source(),
                     "'url' của SMTP '" + util::redact_url(*url) +
                         "' không hợp lệ: viết smtp://host:port hoặc smtps://host:port");
    } else if (has_userinfo(*url)) {
      reporter.error(table->get("url")->source(),
                     "'url' của SMTP không được chứa tên đăng nhập, mật khẩu; dùng 'username' "
                     "và 'password_file' hoặc 'password_env'");
    } else if (auto slash = url->find('/', url->find("://") + 3);
               slash != std::string::npos && slash + 1 < url->size()) {
      reporter.error(table->get("url")->source(),
                     "'url' của SMTP không được có đường dẫn (libcurl sẽ gửi nó làm tên "
                     "EHLO); thay vào đó, đặt 'helo_name'");
    } else {
      e.url = *url;
    }
    if (helo_name && !valid_helo_name(*helo_name)) {
      reporter.error(table->get("helo_name")->source(),
                     "'helo_name' '" + *helo_name +
                         "' không hợp lệ: viết tên miền đầy đủ của máy này "
                         "(mail.stnmt.gov.vn) hoặc địa chỉ IP trong ngoặc vuông ([192.0.2.1])");
    } else if (helo_name) {
      e.helo_name = *helo_name;
    }
    if (tls == "required") {
      e.tls_required = true;
    } else if (tls && *tls != "opportunistic") {
      reporter.error(table->get("tls")->source(),
                     "giá trị '" + *tls +
                         "' của 'tls' không hợp lệ: dùng \"required\" hoặc \"opportunistic\"");
    }
    if (maildir) {
      reporter.error(table->get("maildir")->source(),
                     "'maildir' chỉ dùng với transport = \"maildir\"");
    }
  } else if (e.transport == EmailConfig::Transport::maildir) {
    section.maildir = maildir ? fs::path(*maildir) : fs::path("outbox");
    if (url) reporter.error(table->get("url")->source(), "'url' chỉ dùng với transport = \"smtp\"");
    if (helo_name) {
      reporter.error(table->get("helo_name")->source(),
                     "'helo_name' chỉ dùng với transport = \"smtp\"");
    }
  }
  r.finish();
  return section;
}

}  // namespace deadlined::config::detail
