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
    top.wrong_type(*node, "webhooks", "a table");
    return webhooks;
  }
  Reporter& reporter = top.reporter();
  for (auto&& [key, value] : *table) {
    std::string name(key.str());
    std::string context = "[webhooks." + name + "]";
    if (!valid_id(name)) {
      reporter.error(key.source(),
                     "invalid webhook name '" + name + "': use letters, digits, '-' and '_'");
      continue;
    }
    const toml::table* hook = value.as_table();
    if (!hook) {
      reporter.error(value.source(), context + " must be a table");
      continue;
    }
    WebhookConfig w;
    w.name = name;
    TableReader r(*hook, context, reporter);
    if (auto url = r.string("url", true)) {
      if (has_control(*url)) {
        reporter.error(hook->get("url")->source(),
                       "the webhook url must not contain control characters");
      } else if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0) {
        reporter.error(
            hook->get("url")->source(),
            "invalid webhook url '" + util::redact_url(*url) + "': expected http:// or https://");
      } else if (has_userinfo(*url)) {
        reporter.error(hook->get("url")->source(),
                       "the webhook url must not contain credentials; use 'headers' with "
                       "a secret kept out of the url");
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
                       "the secret of " + context + " must be 'whsec_' followed by base64");
      } else if (decoded->size() < k_min_secret_bytes) {
        // Standard Webhooks recommends 24 to 64 random bytes; a short key can be guessed.
        reporter.error(where->source(), "the secret of " + context + " decodes to " +
                                            std::to_string(decoded->size()) +
                                            " bytes; it must be at least 24 random bytes (Standard "
                                            "Webhooks), e.g. whsec_ and the base64 of 32");
      } else {
        w.secret.value = std::move(*decoded);
      }
    }
    if (const toml::node* headers = r.node("headers")) {
      if (const toml::table* t = headers->as_table()) {
        for (auto&& [hkey, hvalue] : *t) {
          std::string header(hkey.str());
          auto v = hvalue.value_exact<std::string>();
          if (!valid_header_name(header)) {
            reporter.error(hkey.source(), "invalid header name '" + header + "' in " + context +
                                              ": use letters, digits and !#$%&'*+-.^_`|~");
          } else if (v && has_control(*v, true)) {
            reporter.error(hvalue.source(),
                           "header '" + header + "' in " + context +
                               " must not contain control characters (a CR or LF would add "
                               "headers to every request)");
          } else if (v) {
            w.headers.emplace_back(header, *v);
          } else {
            reporter.error(hvalue.source(), "header '" + std::string(hkey.str()) + "' in " +
                                                context + " must be a string");
          }
        }
      } else {
        r.wrong_type(*headers, "headers", "a table");
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
