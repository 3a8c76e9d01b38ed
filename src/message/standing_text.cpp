#include "message/standing_text.hpp"

namespace deadlined::message {
namespace {

std::string working_days(long n) {
  return std::to_string(n) + " ngày làm việc";
}

}  // namespace

std::string_view state_name(schedule::State state) {
  switch (state) {
    case schedule::State::on_time:
      return "Hoàn thành đúng hạn";
    case schedule::State::late:
      return "Hoàn thành quá hạn";
    case schedule::State::open:
      return "Đang thực hiện";
    case schedule::State::overdue:
      return "Quá hạn";
  }
  return "";
}

std::string standing_label(const schedule::Standing& s) {
  std::string name(state_name(s.state));
  switch (s.state) {
    case schedule::State::on_time:
      return name;
    case schedule::State::late:
      return name +
             (s.working_days > 0 ? " " + working_days(s.working_days) : " trong ngày hết hạn");
    case schedule::State::open:
      return name +
             (s.working_days > 0 ? ", còn " + working_days(s.working_days) : ", hạn là hôm nay");
    case schedule::State::overdue:
      return name + (s.working_days > 0 ? " " + working_days(s.working_days) : " từ hôm nay");
  }
  return name;
}

}  // namespace deadlined::message
