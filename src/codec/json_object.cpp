#include "codec/json_object.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

namespace deadlined::codec {

namespace {

/// Whether a character is written escaped: a control character, a quote or a backslash.
constexpr bool escaped(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\';
}

/// Whether any of the 8 bytes of `word` is escaped (bit tricks for "has a byte less than n"
/// and "has a zero byte"; bytes of 0x80 and above never match).
constexpr bool any_escaped(std::uint64_t word) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  auto zero_byte = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
  return (((word - ones * 0x20) & ~word & highs) | zero_byte(word ^ (ones * '"')) |
          zero_byte(word ^ (ones * '\\'))) != 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view value) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain = 0;  // start of the run of characters copied as they are
  for (std::size_t i = 0; i < value.size();) {
    // Text is mostly plain: skip it 8 bytes at a time; a word holding a character to escape
    // (and the tail) is taken a byte at a time.
    std::size_t end = value.size();
    if (std::uint64_t word; i + 8 <= value.size()) {
      std::memcpy(&word, value.data() + i, 8);
      if (!any_escaped(word)) {
        i += 8;
        continue;
      }
      end = i + 8;
    }
    for (; i < end; ++i) {
      auto c = static_cast<unsigned char>(value[i]);
      if (!escaped(c)) continue;
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
