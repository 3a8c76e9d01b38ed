#include <set>

#include "config/glob.hpp"
#include "config/holiday_file.hpp"
#include "config/readers.hpp"

namespace deadlined::config::detail {

void read_holidays(ServiceSection& service, const std::filesystem::path& base_dir,
                   std::vector<Diagnostic>& diagnostics, bool workdays_known) {
  ServiceConfig& values = service.values;
  std::set<std::filesystem::path> seen_files;
  DecisionPlaces places;
  // Each glob's files are read before the next glob is expanded, so that the report lists
  // a holidays file before a glob after it that matches nothing.
  for (const Written& glob : service.holiday_globs) {
    for (const auto& file : expand_glob(glob, "holidays", base_dir, seen_files, diagnostics))
      load_holiday_file(file, values, places, diagnostics, workdays_known);
  }
  // A holiday fixed by law on a rest day needs a compensatory day in its decision.
  if (!workdays_known) return;
  for (const auto& [key, where] : places) {
    for (const auto& day :
         calendar::uncompensated_holidays(key.first, values.workdays, values.decisions)) {
      if (day.occasion != key.second) continue;
      Reporter(where.file, diagnostics)
          .warning(where, day.name + " (ngày " + date::format("%d/%m/%Y", day.date) +
                              ") trùng ngày nghỉ hằng tuần nhưng quyết định này không cho nghỉ "
                              "bù ngày nào trong tuần sau đó (Bộ luật Lao động 2019, Điều 111); "
                              "ghi ngày nghỉ bù vào 'compensatory'");
    }
  }
}

}  // namespace deadlined::config::detail
