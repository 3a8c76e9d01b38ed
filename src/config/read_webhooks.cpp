#include <string_view>

#include "codec/base64.hpp"
#include "config/readers.hpp"
#include "util/url.hpp"

namespace deadlined::config::detail {
namespace {

constexpr std::size_t k_min_secret_bytes = 24;

}  // namespace

std::map<std::string, WebhookConfig> read_webhooks(TableReader& top,
                                                   const std::filesystem::path& base_dir) {
  std::map<std::string, WebhookConfig> webhooks;
  const toml::node* node = top.node("webhooks");
  if (!node) return webhooks;
  const toml::table* table = node->as_table();
  if (!table) {
    top.wrong_type(*node, "webhooks", "bảng");
    return webhooks;
  }
  Reporter& reporter = top.reporter();
  for (auto&& [key, value] : *table) {
    std::string name(key.str());
    std::string context = "[webhooks." + name + "]";
    if (!valid_id(name)) {
      reporter.error(
          key.source(),
          "tên webhook '" + name +
              "' không hợp lệ: tên chỉ gồm chữ cái không dấu, chữ số, '-' và '_'" +
              (valid_id(id_from(name)) ? "; viết '" + id_from(name) + "'" : std::string()));
      continue;
    }
    const toml::table* hook = value.as_table();
    if (!hook) {
      reporter.error(value.source(), context + " phải là bảng");
      continue;
    }
    WebhookConfig w;
    w.name = name;
    TableReader r(*hook, context, reporter);
    read_request(r, w, base_dir);
    if (auto url = r.string("url", w.preset.empty())) {
      if (has_control(*url)) {
        reporter.error(hook->get("url")->source(),
                       "'url' của webhook không được chứa ký tự điều khiển");
      } else if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0) {
        reporter.error(hook->get("url")->source(),
                       "'url' của webhook '" + util::redact_url(*url) +
                           "' không hợp lệ: viết địa chỉ http:// hoặc https://");
      } else if (has_userinfo(*url)) {
        reporter.error(hook->get("url")->source(),
                       "'url' của webhook không được chứa tên đăng nhập, mật khẩu; dùng "
                       "'headers' với khóa bí mật để ngoài địa chỉ");
      }
      w.url = *url;
    }
    Secret raw = read_secret(r, "secret", base_dir);
    if (!raw.empty()) {
      // The key the secret came from (read_secret takes exactly one of them).
      const toml::node* where = hook->get("secret_file");
      if (!where) where = hook->get("secret_env");
      if (!where) where = hook->get("secret_credential");
      if (!where) where = hook;
      std::string_view text = raw.value;
      std::optional<std::string> decoded;
      if (text.rfind("whsec_", 0) == 0) decoded = codec::base64_decode(text.substr(6));
      if (!decoded || decoded->empty()) {
        reporter.error(where->source(),
                       "khóa bí mật của " + context + " phải là 'whsec_' và chuỗi base64");
      } else if (decoded->size() < k_min_secret_bytes) {
        // Standard Webhooks recommends 24 to 64 random bytes; a short key can be guessed.
        reporter.error(where->source(), "khóa bí mật của " + context + " chỉ có " +
                                            std::to_string(decoded->size()) +
                                            " byte; cần ít nhất 24 byte ngẫu nhiên (Standard "
                                            "Webhooks), ví dụ whsec_ và base64 của 32 byte");
      } else {
        w.secret.value = std::move(*decoded);
      }
    }
    if (auto t = r.duration("timeout")) w.timeout = *t;
    if (auto v = r.boolean("insecure_skip_verify")) w.insecure_skip_verify = *v;
    r.finish();
    webhooks.emplace(name, std::move(w));
  }
  return webhooks;
}

}  // namespace deadlined::config::detail
