#include "util/url.hpp"

namespace deadlined::util {

std::string redact_url(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, scheme + 3));
  std::string_view rest = url.substr(scheme + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    out += "REDACTED@";
    rest.remove_prefix(at + 1);
  }
  auto query = rest.find('?');
  auto fragment = rest.find('#');
  if (query != std::string_view::npos && (fragment == std::string_view::npos || query < fragment)) {
    out += rest.substr(0, query);
    out += "?REDACTED";
    if (fragment != std::string_view::npos) out += rest.substr(fragment);
  } else {
    out += rest;
  }
  return out;
}

}  // namespace deadlined::util
