#include "http/forms.hpp"

namespace deadlined::http {
namespace {

/// The longest note kept with a confirmation, in bytes.
constexpr std::size_t k_max_note = 500;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::map<std::string, std::string> parse_form(std::string_view body) {
  std::map<std::string, std::string> out;
  auto decode = [](std::string_view s) {
    std::string d;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        d += ' ';
      } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
                 hex_value(s[i + 2]) >= 0) {
        d += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
        i += 2;
      } else {
        d += s[i];
      }
    }
    return d;
  };
  while (!body.empty()) {
    auto amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    auto eq = pair.find('=');
    out[decode(pair.substr(0, eq))] =
        eq == std::string_view::npos ? std::string() : decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return out;
}

/// "scheme://host[:port]" of an absolute url.
std::string origin_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  auto end = url.find('/', scheme + 3);
  return std::string(url.substr(0, end));
}

/// The note as kept: no control characters but newlines, at most k_max_note bytes, cut on a
/// UTF-8 character boundary.
bool same_origin(const Request& request, std::string_view public_url) {
  std::string origin = request.header("origin");
  // Browsers that hide the origin send "null"; they still say where the request came from.
  return origin.empty() || origin == origin_of(public_url) ||
         (origin == "null" && request.header("sec-fetch-site") == "same-origin");
}

std::string clean_note(std::string_view note) {
  std::string out;
  for (char c : note) {
    auto u = static_cast<unsigned char>(c);
    if (u == '\n' || u >= 0x20) out += c == '\x7f' ? ' ' : c;
  }
  if (out.size() > k_max_note) {
    std::size_t cut = k_max_note;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
      --cut;
    out.resize(cut);
  }
  return out;
}

std::string client_of(const Request& request, bool trust_proxy) {
  if (trust_proxy) {
    std::string forwarded = request.header("x-forwarded-for");
    if (!forwarded.empty()) {
      std::string first = forwarded.substr(0, forwarded.find(','));
      first.erase(0, first.find_first_not_of(' '));
      first.erase(first.find_last_not_of(' ') + 1);
      if (!first.empty() && first.size() <= 64) return first;
    }
  }
  return request.remote;
}

}  // namespace deadlined::http
