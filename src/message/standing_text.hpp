#pragma once

#include <string>
#include <string_view>

#include "schedule/standing.hpp"

namespace deadlined::message {

/// The state's name as the Office's reports write it: "Hoàn thành đúng hạn",
/// "Hoàn thành quá hạn", "Đang thực hiện", "Quá hạn".
std::string_view state_name(schedule::State state);

/// The standing in words, with its working days: "Hoàn thành quá hạn 2 ngày làm việc",
/// "Đang thực hiện, còn 3 ngày làm việc", "Quá hạn 1 ngày làm việc"; a count of nought is
/// said in words ("hạn là hôm nay").
std::string standing_label(const schedule::Standing& standing);

}  // namespace deadlined::message
