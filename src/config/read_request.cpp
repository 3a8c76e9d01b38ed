// The request keys of a [webhooks.NAME] table: the preset, the method, the body, header and
// query templates, the success rule and codes, the rate, the SMS keys and the provider's.
#include <charconv>

#include "codec/base64.hpp"
#include "config/presets.hpp"
#include "config/readers.hpp"
#include "config/suggest.hpp"
#include "template/mustache.hpp"

namespace deadlined::config::detail {
namespace {

/// Where `offset` of a template written as the TOML string at `node` is: exact for a
/// one-line string; a multi-line one is taken to start on the line after its quotes.
SourcePos template_pos(Reporter& reporter, const toml::node& node, std::string_view source,
                       std::size_t offset) {
  SourcePos at = reporter.pos(node.source());
  templating::LineCol lc = templating::line_col(source, offset);
  if (source.find('\n') == std::string_view::npos) {
    at.column += static_cast<std::uint32_t>(lc.column);  // past the opening quote
  } else {
    at.line += static_cast<std::uint32_t>(lc.line);
    at.column = static_cast<std::uint32_t>(lc.column);
  }
  return at;
}

/// The value of a JSON answer's field as rules compare it: a string's content, a number's
/// digits, true or false.
std::optional<std::string> code_text(const toml::node& node) {
  if (auto s = node.value_exact<std::string>()) return *s;
  if (auto i = node.value_exact<std::int64_t>()) return std::to_string(*i);
  if (auto b = node.value_exact<bool>()) return *b ? "true" : "false";
  return std::nullopt;
}

std::vector<std::string> read_codes(TableReader& r, std::string_view key) {
  std::vector<std::string> codes;
  const toml::node* n = r.node(key);
  if (!n) return codes;
  const toml::array* array = n->as_array();
  if (!array) {
    r.wrong_type(*n, key, "mảng mã lỗi, ví dụ [\"-1\", \"99\"]");
    return codes;
  }
  for (const toml::node& element : *array) {
    if (auto code = code_text(element)) {
      codes.push_back(*code);
    } else {
      r.reporter().error(element.source(), "'" + std::string(key) + "' trong " + r.context() +
                                               " chỉ được chứa chuỗi hoặc số");
    }
  }
  return codes;
}

void read_success(TableReader& r, SuccessRule& rule) {
  const toml::node* n = r.node("success");
  if (!n) return;
  const toml::table* t = n->as_table();
  if (!t) {
    r.wrong_type(*n, "success", "bảng, ví dụ { json = \"error\", equals = 0 }");
    return;
  }
  TableReader s(*t, "'success' của " + r.context(), r.reporter());
  if (const toml::node* status = s.node("status")) {
    long low = 0, high = 0;
    bool ok = false;
    if (auto i = status->value_exact<std::int64_t>()) {
      low = high = static_cast<long>(*i);
      ok = true;
    } else if (auto text = status->value_exact<std::string>()) {
      auto dash = text->find('-');
      std::string a = text->substr(0, dash),
                  b = dash == std::string::npos ? a : text->substr(dash + 1);
      ok = std::from_chars(a.data(), a.data() + a.size(), low).ec == std::errc{} &&
           std::from_chars(b.data(), b.data() + b.size(), high).ec == std::errc{};
    }
    if (!ok || low < 100 || high > 599 || low > high) {
      r.reporter().error(
          status->source(),
          "'status' trong " + s.context() + " phải là mã HTTP (200) hoặc khoảng mã (\"200-299\")");
    } else {
      rule.status_min = low;
      rule.status_max = high;
    }
  }
  if (auto json = s.string("json")) rule.json = *json;
  if (auto text = s.string("text")) rule.text = *text;
  if (const toml::node* equals = s.node("equals")) {
    if (auto text = code_text(*equals)) {
      rule.equals = *text;
    } else {
      r.reporter().error(equals->source(),
                         "'equals' trong " + s.context() + " phải là chuỗi, số hoặc true/false");
    }
  }
  if (t->contains("json") && !t->contains("equals"))
    r.reporter().error(t->source(), "'success' trong " + r.context() +
                                        " có 'json' thì phải có 'equals': giá trị của trường "
                                        "khi gửi thành công");
  s.finish();
}

std::optional<std::string> read_template(TableReader& r, const toml::node& node,
                                         const std::string& what,
                                         const std::vector<std::string_view>& names) {
  auto source = node.value_exact<std::string>();
  if (!source) {
    r.reporter().error(node.source(), what + " trong " + r.context() + " phải là chuỗi");
    return std::nullopt;
  }
  auto compiled = templating::Template::compile(*source);
  if (auto* problem = std::get_if<templating::Problem>(&compiled)) {
    r.reporter().error(template_pos(r.reporter(), node, *source, problem->offset),
                       what + " trong " + r.context() + ": " + problem->message);
    return std::nullopt;
  }
  if (auto unknown = std::get<templating::Template>(compiled).unknown_name(names)) {
    r.reporter().error(template_pos(r.reporter(), node, *source, unknown->offset),
                       what + " trong " + r.context() + ": " + unknown->message);
    return std::nullopt;
  }
  return *source;
}

/// A table of name = template (query, template_data).
std::vector<std::pair<std::string, std::string>> read_templates(
    TableReader& r, std::string_view key, const std::vector<std::string_view>& names) {
  std::vector<std::pair<std::string, std::string>> out;
  const toml::node* n = r.node(key);
  if (!n) return out;
  const toml::table* t = n->as_table();
  if (!t) {
    r.wrong_type(*n, key, "bảng tên = \"mẫu\"");
    return out;
  }
  for (auto&& [name, value] : *t) {
    std::string what = "'" + std::string(key) + "." + std::string(name.str()) + "'";
    if (auto source = read_template(r, value, what, names))
      out.emplace_back(std::string(name.str()), std::move(*source));
  }
  return out;
}

void read_headers(TableReader& r, WebhookConfig& w, const std::filesystem::path& base_dir,
                  const std::vector<std::string_view>& names) {
  const toml::node* headers = r.node("headers");
  if (!headers) return;
  const toml::table* t = headers->as_table();
  if (!t) {
    r.wrong_type(*headers, "headers", "bảng");
    return;
  }
  Reporter& reporter = r.reporter();
  for (auto&& [hkey, hvalue] : *t) {
    std::string header(hkey.str());
    if (!valid_header_name(header)) {
      reporter.error(hkey.source(), "tên header '" + header + "' trong " + r.context() +
                                        " không hợp lệ: chỉ dùng chữ cái không dấu, chữ số "
                                        "và !#$%&'*+-.^_`|~");
      continue;
    }
    if (const toml::table* secret = hvalue.as_table()) {
      // `{ secret_env = "…" }`: the value is a secret, sent as it is and never shown.
      TableReader sr(*secret, "header '" + header + "' của " + r.context(), reporter);
      Secret value = read_secret(sr, "secret", base_dir);
      sr.finish();
      if (has_control(value.value, true)) {
        reporter.error(hvalue.source(),
                       "khóa bí mật của header '" + header + "' không được chứa ký tự điều khiển");
      } else if (!value.empty()) {
        w.secret_headers.emplace_back(header, std::move(value));
      }
      continue;
    }
    auto v = hvalue.value_exact<std::string>();
    if (!v) {
      reporter.error(hvalue.source(), "header '" + header + "' trong " + r.context() +
                                          " phải là chuỗi hoặc bảng { secret_env = \"…\" }");
    } else if (has_control(*v, true)) {
      reporter.error(hvalue.source(), "header '" + header + "' trong " + r.context() +
                                          " không được chứa ký tự điều khiển (ký tự CR hoặc LF "
                                          "sẽ thêm header vào mọi yêu cầu)");
    } else if (auto source = read_template(r, hvalue, "header '" + header + "'", names)) {
      w.headers.emplace_back(header, std::move(*source));
    }
  }
}

}  // namespace

std::optional<RateLimit> parse_rate(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::size_t count = 0;
  auto digits = trim(text.substr(0, slash));
  if (digits.empty() ||
      std::from_chars(digits.data(), digits.data() + digits.size(), count).ec != std::errc{} ||
      count == 0)
    return std::nullopt;
  std::string unit = trim(text.substr(slash + 1));
  Seconds per{0};
  if (unit == "s" || unit == "sec" || unit == "second" || unit == "giây") {
    per = Seconds{1};
  } else if (unit == "min" || unit == "minute" || unit == "phút") {
    per = Seconds{60};
  } else if (unit == "h" || unit == "hour" || unit == "giờ") {
    per = Seconds{3600};
  } else if (unit == "d" || unit == "day" || unit == "ngày") {
    per = Seconds{86400};
  } else {
    return std::nullopt;
  }
  return RateLimit{count, per, std::string(text)};
}

std::optional<RateLimit> read_rate(TableReader& r) {
  auto text = r.string("rate");
  if (!text) return std::nullopt;
  if (auto rate = parse_rate(*text)) return rate;
  r.reporter().error(r.table().get("rate")->source(),
                     "'rate' trong " + r.context() +
                         " không hợp lệ: viết số lần gửi và khoảng "
                         "thời gian, ví dụ \"60/min\", \"1/s\", "
                         "\"1000/h\"");
  return std::nullopt;
}

void read_request(TableReader& r, WebhookConfig& w, const std::filesystem::path& base_dir) {
  Reporter& reporter = r.reporter();
  if (auto preset = r.string("preset")) {
    w.preset = *preset;
    if (!apply_preset(w)) {
      std::string list;
      for (std::string_view n : preset_names())
        list.append(list.empty() ? "" : ", ").append(n);
      std::string message =
          "preset '" + *preset + "' trong " + r.context() + " không có; các preset: " + list;
      if (auto best = closest(*preset, preset_names(), 3))
        message += "; có phải là '" + *best + "'?";
      reporter.error(r.table().get("preset")->source(), message);
      w.preset.clear();
    }
  }
  if (auto to = r.string("recipients")) {
    if (*to == "phone") {
      w.by_phone = true;
    } else if (*to != "unit") {
      reporter.error(r.table().get("recipients")->source(),
                     "'recipients' trong " + r.context() +
                         " là \"unit\" (một yêu cầu cho đơn vị) hoặc \"phone\" (một yêu cầu "
                         "cho mỗi số điện thoại)");
    }
  }
  const auto names = template_names(w, false);
  if (auto method = r.string("method")) {
    if (*method == "POST" || *method == "PUT" || *method == "PATCH" || *method == "GET") {
      w.method = *method;
    } else {
      reporter.error(r.table().get("method")->source(),
                     "'method' trong " + r.context() + " là POST, PUT, PATCH hoặc GET");
    }
  }
  if (auto type = r.string("content_type")) {
    if (has_control(*type)) {
      reporter.error(r.table().get("content_type")->source(),
                     "'content_type' không được chứa ký tự điều khiển");
    } else {
      w.content_type = *type;
    }
  }
  if (const toml::node* body = r.node("body")) {
    if (auto source = read_template(r, *body, "'body'", names)) w.body = std::move(*source);
  }
  read_headers(r, w, base_dir, names);
  if (r.table().contains("query"))
    w.query = read_templates(r, "query", names);
  else
    r.node("query");
  read_success(r, w.success);
  if (r.table().contains("retryable"))
    w.retryable_codes = read_codes(r, "retryable");
  else
    r.node("retryable");
  if (r.table().contains("permanent"))
    w.permanent_codes = read_codes(r, "permanent");
  else
    r.node("permanent");
  if (r.table().contains("delivered"))
    w.delivered_codes = read_codes(r, "delivered");
  else
    r.node("delivered");
  if (auto rate = read_rate(r)) w.rate = rate;
  if (auto unicode = r.boolean("unicode")) w.unicode = *unicode;
  if (const toml::node* n = r.node("max_length")) {
    auto v = n->value_exact<std::int64_t>();
    if (!v || *v < 20 || *v > 4096) {
      reporter.error(n->source(), "'max_length' trong " + r.context() +
                                      " là số ký tự tối đa của tin, từ 20 đến 4096");
    } else {
      w.max_length = static_cast<std::size_t>(*v);
    }
  }
  if (w.by_phone && w.max_length == 0) w.max_length = w.unicode ? 134 : 306;  // two segments

  // The provider's keys.
  if (auto url = r.string("token_url")) w.token_url = *url;
  if (auto id = r.string("app_id")) w.app_id = *id;
  if (auto id = r.string("template_id")) w.template_id = *id;
  if (r.table().contains("template_data"))
    w.template_data = read_templates(r, "template_data", names);
  else
    r.node("template_data");
  w.secret_key = read_secret(r, "secret_key", base_dir);
  w.refresh_token = read_secret(r, "refresh_token", base_dir);
  w.api_key = read_secret(r, "api_key", base_dir);
  if (auto brand = r.string("brandname")) w.brandname = *brand;
  if (auto type = r.string("sms_type")) w.sms_type = *type;
  if (w.preset == "speedsms") {
    if (w.sms_type.find_first_not_of("0123456789") != std::string::npos || w.sms_type.empty())
      reporter.error(r.table().source(), "'sms_type' của SpeedSMS là một số (2, 3, 4 hoặc 6)");
    // HTTP Basic with the access token as the user name.
    if (!w.api_key.empty())
      w.secret_headers.emplace_back(
          "Authorization", Secret{"Basic " + codec::base64_encode(w.api_key.value + ":x")});
  }
  for (std::string_view key : required_keys(w)) {
    bool present = key == "secret_key"      ? !w.secret_key.empty()
                   : key == "refresh_token" ? !w.refresh_token.empty()
                   : key == "api_key"       ? !w.api_key.empty()
                   : key == "app_id"        ? !w.app_id.empty()
                   : key == "template_id"   ? !w.template_id.empty()
                   : key == "template_data" ? !w.template_data.empty()
                   : key == "brandname"     ? !w.brandname.empty()
                   : key == "url"           ? r.table().contains("url")
                                            : true;
    if (!present) {
      bool secret = key == "secret_key" || key == "refresh_token" || key == "api_key";
      reporter.error(r.table().source(),
                     "preset '" + w.preset + "' trong " + r.context() + " cần khóa '" +
                         std::string(key) +
                         (secret ? "_file', '" + std::string(key) + "_env' hoặc '" +
                                       std::string(key) + "_credential'"
                                 : "'"));
    }
  }
}

}  // namespace deadlined::config::detail
