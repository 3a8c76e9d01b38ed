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
    top.wrong_type(*node, "email", "a table");
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
                   "unknown email transport '" + *transport + "': use \"smtp\" or \"maildir\"");
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
                     "invalid 'from' address '" + *from +
                         "': expected \"Name <user@example.org>\" or \"user@example.org\"");
    } else if (!is_ascii(e.from_address)) {
      reporter.error(table->get("from")->source(), "the 'from' address '" + e.from_address + "'" +
                                                       std::string(k_non_ascii_address));
    }
  }

  auto url = r.string("url");
  auto tls = r.string("tls");
  auto maildir = r.string("maildir");
  auto helo_name = r.string("helo_name");
  if (auto t = r.duration("timeout")) e.timeout = *t;
  if (auto v = r.boolean("insecure_skip_verify")) e.insecure_skip_verify = *v;
  if (auto v = r.boolean("allow_cleartext_auth")) e.allow_cleartext_auth = *v;
  if (auto user = r.string("username")) e.username = *user;
  e.password = read_secret(r, "password", base_dir);
  if (auto ca = r.string("ca_file")) e.ca_file = resolve_against(base_dir, *ca);

  if (e.transport == EmailConfig::Transport::smtp) {
    if (!url) {
      reporter.error(table->source(),
                     "missing required key 'url' in [email] for transport \"smtp\"");
    } else if (has_control(*url)) {
      reporter.error(table->get("url")->source(),
                     "the SMTP url must not contain control characters");
    } else if (url->rfind("smtp://", 0) != 0 && url->rfind("smtps://", 0) != 0) {
      reporter.error(table->get("url")->source(),
                     "invalid SMTP url '" + util::redact_url(*url) +
                         "': expected smtp://host:port or smtps://host:port");
    } else if (has_userinfo(*url)) {
      reporter.error(table->get("url")->source(),
                     "the SMTP url must not contain credentials; use 'username' and "
                     "'password_file' or 'password_env'");
    } else if (auto slash = url->find('/', url->find("://") + 3);
               slash != std::string::npos && slash + 1 < url->size()) {
      reporter.error(table->get("url")->source(),
                     "the SMTP url must not have a path: libcurl would send it as the EHLO "
                     "name; set helo_name instead");
    } else {
      e.url = *url;
    }
    if (helo_name && !valid_helo_name(*helo_name)) {
      reporter.error(table->get("helo_name")->source(),
                     "invalid helo_name '" + *helo_name +
                         "': expected this host's fully qualified domain name "
                         "(mail.stnmt.gov.vn) or an address literal ([192.0.2.1])");
    } else if (helo_name) {
      e.helo_name = *helo_name;
    }
    if (tls == "required") {
      e.tls_required = true;
    } else if (tls && *tls != "opportunistic") {
      reporter.error(table->get("tls")->source(),
                     "unknown tls mode '" + *tls + "': use \"required\" or \"opportunistic\"");
    }
    if (maildir) {
      reporter.error(table->get("maildir")->source(),
                     "'maildir' applies only to transport \"maildir\"");
    }
  } else if (e.transport == EmailConfig::Transport::maildir) {
    section.maildir = maildir ? fs::path(*maildir) : fs::path("outbox");
    if (url)
      reporter.error(table->get("url")->source(), "'url' applies only to transport \"smtp\"");
    if (helo_name) {
      reporter.error(table->get("helo_name")->source(),
                     "'helo_name' applies only to transport \"smtp\"");
    }
  }
  r.finish();
  return section;
}

}  // namespace deadlined::config::detail
