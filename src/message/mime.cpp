#include "message/mime.hpp"

#include <algorithm>
#include <vector>

#include "codec/base64.hpp"

namespace deadlined::message {
namespace {

constexpr std::size_t k_max_line = 78;          // RFC 5322 2.1.1, without the CRLF
constexpr std::size_t k_max_encoded_line = 76;  // RFC 2047 2: a line with an encoded-word
constexpr std::size_t k_max_encoded_word = 75;  // RFC 2047 2
constexpr std::string_view k_word_open = "=?UTF-8?B?";
constexpr std::string_view k_word_close = "?=";

/// Whether `text` can go out as it is: printable ASCII that no decoder reads as an
/// encoded-word.
bool is_plain_ascii(std::string_view text) {
  return text.find("=?") == std::string_view::npos &&
         std::all_of(text.begin(), text.end(), [](char c) {
           auto u = static_cast<unsigned char>(c);
           return u >= 0x20 && u < 0x7f;
         });
}

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

/// The words of `text` at its spaces, each but the first with the space before it, so that
/// the words together are `text` exactly.
std::vector<std::string_view> spaced_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t space = text.find(' ', start + 1);
    if (space == std::string_view::npos) space = text.size();
    words.push_back(text.substr(start, space - start));
    start = space;
  }
  return words;
}

/// A header field written token by token, folded before a token that would make its line
/// too long: 78 characters, or 76 on a line that holds an encoded-word.
class FieldWriter {
 public:
  explicit FieldWriter(std::string_view name) : out_(name) {
    out_ += ':';
    line_ = out_.size();
  }

  /// Appends " text", unencoded, on this line if it fits there.
  void token(std::string_view text) {
    std::size_t limit = line_encoded_ ? k_max_encoded_line : k_max_line;
    if (line_used_ && line_ + 1 + text.size() > limit) fold();
    append(text);
  }

  /// Appends `text` as B encoded-words, each holding whole words with the spaces between
  /// them inside its payload: decoders drop the whitespace between adjacent encoded-words
  /// (RFC 2047 6.2), so a space may never be left to the fold. A word is split, between
  /// UTF-8 sequences, only when it does not fit on a line of its own.
  void encoded(std::string_view text) {
    std::string payload;
    for (std::string_view word : spaced_words(text)) {
      while (!word.empty()) {
        std::size_t room = payload_room();
        if (payload.size() + word.size() <= room) {
          payload += word;
          break;
        }
        if (!payload.empty()) {
          append_word(payload);
          payload.clear();
        } else if (line_used_ || room == 0) {
          fold();
        } else {
          // A fresh line, or the first one: a fold before the first word would be read as
          // a leading space, so a word too long for the first line is split there too.
          std::size_t n = room;
          while (n > 0 && is_continuation_byte(word[n]))
            --n;
          if (n == 0) {  // a 4-byte sequence and 3 bytes of room after a long name
            fold();
            continue;
          }
          append_word(word.substr(0, n));
          word.remove_prefix(n);
        }
      }
    }
    if (!payload.empty()) append_word(payload);
  }

  std::string finish() { return out_ + "\r\n"; }

 private:
  void fold() {
    out_ += "\r\n";
    line_ = 0;
    line_used_ = false;
    line_encoded_ = false;
  }

  void append(std::string_view text) {
    out_ += ' ';
    out_ += text;
    line_ += 1 + text.size();
    line_used_ = true;
  }

  void append_word(std::string_view bytes) {
    append(std::string(k_word_open) + codec::base64_encode(bytes) + std::string(k_word_close));
    line_encoded_ = true;
  }

  /// How many bytes an encoded-word placed next on this line can carry.
  std::size_t payload_room() const {
    std::size_t overhead = 1 + k_word_open.size() + k_word_close.size();
    if (line_ + overhead + 4 > k_max_encoded_line) return 0;
    std::size_t chars = std::min(k_max_encoded_line - line_ - overhead,
                                 k_max_encoded_word - k_word_open.size() - k_word_close.size());
    return chars / 4 * 3;
  }

  std::string out_;
  std::size_t line_ = 0;       // characters on the current line
  bool line_used_ = false;     // the current line has a token after the name or the fold
  bool line_encoded_ = false;  // the current line has an encoded-word
};

void append_text(FieldWriter& field, std::string_view text) {
  if (!is_plain_ascii(text)) {
    field.encoded(text);
    return;
  }
  for (std::string_view word : spaced_words(text)) {
    if (word.front() == ' ') word.remove_prefix(1);
    if (!word.empty()) field.token(word);
  }
}

}  // namespace

std::string header_field(std::string_view name, std::string_view value) {
  FieldWriter field(name);
  append_text(field, value);
  return field.finish();
}

std::string address_field(std::string_view name, std::string_view display_name,
                          std::string_view address) {
  FieldWriter field(name);
  bool needs_quotes = is_plain_ascii(display_name) &&
                      display_name.find_first_of("()<>[]:;@\\,.\"") != std::string_view::npos;
  if (needs_quotes) {
    std::string quoted = "\"";
    for (char c : display_name) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    field.token(quoted + '"');
  } else {
    append_text(field, display_name);
  }
  field.token("<" + std::string(address) + ">");
  return field.finish();
}

std::string address_list_field(std::string_view name, const std::vector<std::string>& addresses) {
  FieldWriter field(name);
  for (std::size_t i = 0; i < addresses.size(); ++i)
    field.token(i + 1 < addresses.size() ? addresses[i] + "," : addresses[i]);
  return field.finish();
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
