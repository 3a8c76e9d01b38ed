#pragma once

#include <string>

#include "report/statistics.hpp"

namespace deadlined::report {

/// The report as an Excel workbook (the bytes of an .xlsx file), written by libxlsxwriter:
/// a sheet "Theo đơn vị" (the heading lines, then the per-unit table under k_unit_headers)
/// and a sheet "Theo kế hoạch" (the per-plan table and the total), the figures as in the
/// CSV and in its order; counts as numbers, the rate as a number from 0 to 1 shown as a
/// percentage (an empty cell when nothing was due). Throws std::runtime_error when the
/// workbook cannot be written.
std::string to_xlsx(const Report& report);

}  // namespace deadlined::report
