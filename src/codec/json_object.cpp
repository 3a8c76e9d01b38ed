#include "codec/json_object.hpp"

#include <charconv>

namespace deadlined::codec {

void append_json_string(std::string& out, std::string_view value) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain = 0;  // start of the run of characters copied as they are
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(value, plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += k_hex[c >> 4];
        out += k_hex[c & 0xf];
    }
  }
  out.append(value, plain);
  out += '"';
}

void JsonObject::name(std::string_view name) {
  text_ += text_.empty() ? '{' : ',';
  append_json_string(text_, name);
  text_ += ':';
}

JsonObject& JsonObject::add(std::string_view key, std::string_view value) {
  name(key);
  append_json_string(text_, value);
  return *this;
}

JsonObject& JsonObject::add(std::string_view key, bool value) {
  name(key);
  text_ += value ? "true" : "false";
  return *this;
}

JsonObject& JsonObject::add(std::string_view key, std::int64_t value) {
  name(key);
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  text_.append(digits, end);
  return *this;
}

std::string JsonObject::finish() {
  if (text_.empty()) text_ += '{';
  text_ += '}';
  std::string out = std::move(text_);
  text_.clear();
  return out;
}

}  // namespace deadlined::codec
