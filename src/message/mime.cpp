#include "message/mime.hpp"

#include <algorithm>
#include <vector>

#include "codec/base64.hpp"

namespace deadlined::message {
namespace {

constexpr std::size_t k_max_line = 78;
// 42 bytes of UTF-8 give 56 base64 characters: "=?UTF-8?B?" + 56 + "?=" = 68 characters,
// short enough that "Subject: " plus one word still fits in 78.
constexpr std::size_t k_max_word_bytes = 42;

bool is_plain_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7f;
  });
}

std::vector<std::string> encoded_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = std::min(text.size(), start + k_max_word_bytes);
    // Back up to a UTF-8 lead byte so no sequence is split across words.
    while (end < text.size() && end > start &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (end == start) end = std::min(text.size(), start + k_max_word_bytes);
    words.push_back("=?UTF-8?B?" + codec::base64_encode(text.substr(start, end - start)) + "?=");
    start = end;
  }
  return words;
}

std::vector<std::string> ascii_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t space = text.find(' ', start);
    if (space == std::string_view::npos) space = text.size();
    if (space > start) words.emplace_back(text.substr(start, space - start));
    start = space + 1;
  }
  return words;
}

std::string fold(std::string_view name, const std::vector<std::string>& tokens) {
  std::string out(name);
  out += ':';
  std::size_t line_length = out.size();
  for (const std::string& token : tokens) {
    if (line_length + 1 + token.size() > k_max_line && line_length > name.size() + 1) {
      out += "\r\n";
      line_length = 0;
    }
    out += ' ';
    out += token;
    line_length += 1 + token.size();
  }
  out += "\r\n";
  return out;
}

std::vector<std::string> value_tokens(std::string_view value) {
  return is_plain_ascii(value) ? ascii_words(value) : encoded_words(value);
}

}  // namespace

std::string header_field(std::string_view name, std::string_view value) {
  return fold(name, value_tokens(value));
}

std::string address_field(std::string_view name, std::string_view display_name,
                          std::string_view address) {
  std::vector<std::string> tokens;
  if (!display_name.empty()) {
    bool needs_quotes = is_plain_ascii(display_name) &&
                        display_name.find_first_of("()<>[]:;@\\,.\"") != std::string_view::npos;
    if (needs_quotes) {
      std::string quoted = "\"";
      for (char c : display_name) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
      }
      tokens.push_back(quoted + '"');
    } else {
      tokens = value_tokens(display_name);
    }
  }
  tokens.push_back("<" + std::string(address) + ">");
  return fold(name, tokens);
}

std::string base64_body(std::string_view bytes) {
  std::string encoded = codec::base64_encode(bytes);
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += 76) {
    out += encoded.substr(i, 76);
    out += "\r\n";
  }
  return out;
}

std::string to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

}  // namespace deadlined::message
