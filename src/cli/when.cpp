#include "cli/when.hpp"

#include <sstream>
#include <string>

namespace deadlined::cli {

std::optional<date::sys_seconds> parse_when(std::string_view text, const date::time_zone* zone,
                                            bool end_of_day) {
  std::string input(text);
  if (input.size() == 10) {
    std::istringstream in(input);
    date::local_days day;
    in >> date::parse("%F", day);
    if (in.fail() || in.peek() != EOF) return std::nullopt;
    if (end_of_day) day += date::days{1};
    return zone->to_sys(date::local_seconds{day}, date::choose::earliest);
  }
  if (input.size() < 16 || input[10] != 'T') return std::nullopt;
  std::string local_part = input.substr(0, 19 <= input.size() && input[16] == ':' ? 19 : 16);
  std::string rest = input.substr(local_part.size());
  if (local_part.size() == 16) local_part += ":00";
  std::istringstream in(local_part);
  date::local_seconds local;
  in >> date::parse("%FT%T", local);
  if (in.fail()) return std::nullopt;
  if (rest.empty()) return zone->to_sys(local, date::choose::earliest);
  if (rest == "Z") return date::sys_seconds{local.time_since_epoch()};
  if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':') return std::nullopt;
  for (std::size_t i : {1u, 2u, 4u, 5u}) {
    if (rest[i] < '0' || rest[i] > '9') return std::nullopt;
  }
  int minutes =
      ((rest[1] - '0') * 10 + (rest[2] - '0')) * 60 + (rest[4] - '0') * 10 + (rest[5] - '0');
  if (rest[0] == '-') minutes = -minutes;
  return date::sys_seconds{local.time_since_epoch() - std::chrono::minutes{minutes}};
}

}  // namespace deadlined::cli
