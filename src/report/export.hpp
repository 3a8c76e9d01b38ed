#pragma once

// A Report written out: as a table for the terminal, as CSV and as JSON. The figures go in
// the same order everywhere: unit (or plan), its name, assigned, on time, late, open,
// overdue, on-time rate. The XLSX is in xlsx.hpp.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report/statistics.hpp"

namespace deadlined::report {

/// The Vietnamese headers of the per-unit table, in the order of the figures (the keys of
/// the JSON objects: unit, unit_name, assigned, on_time, late, open, overdue, on_time_rate).
inline constexpr std::array<std::string_view, 8> k_unit_headers{"Mã đơn vị",
                                                                "Tên đơn vị",
                                                                "Số nhiệm vụ đến hạn",
                                                                "Hoàn thành đúng hạn",
                                                                "Hoàn thành quá hạn",
                                                                "Đang thực hiện (trong hạn)",
                                                                "Quá hạn",
                                                                "Tỷ lệ hoàn thành đúng hạn"};
/// The headers of the per-plan table: the plan's id and title, then the same figures.
inline constexpr std::array<std::string_view, 2> k_plan_headers{"Mã kế hoạch", "Tên kế hoạch"};
/// The name of the row of the totals.
inline constexpr std::string_view k_total_name = "Tổng cộng";
/// What a rate that is not defined (nothing was due) is written as in the text table.
inline constexpr std::string_view k_no_rate = "—";

/// The rate as a percentage with one decimal and a decimal comma ("66,7%"); "—" for none.
std::string percent_text(std::optional<double> rate);

/// The lines that head the report: its title, the window ("Kỳ báo cáo: từ ngày 01/11/2026
/// đến ngày 30/11/2026"), the plan when it is limited to one, and the instant of the figures.
std::vector<std::string> heading_lines(const Report& report);

/// The report as a formal table for the terminal: its heading (the window, the instant the
/// figures are as of, the plan), the units, the plans and the total.
std::string to_text(const Report& report);

/// RFC 4180 CSV, UTF-8 with a BOM: the per-unit table under k_unit_headers, an empty line,
/// then the per-plan table under k_plan_headers and the figures' headers, ending with the
/// total. Rates are decimals from 0 to 1 with a '.' (none: an empty field).
std::string to_csv(const Report& report);

/// The per-unit rows as a JSON array of objects with exactly the keys unit, unit_name,
/// assigned, on_time, late, open, overdue and on_time_rate (null when nothing was due).
std::string to_json(const Report& report);

}  // namespace deadlined::report
