#include <set>

#include "config/glob.hpp"
#include "config/holiday_file.hpp"
#include "config/readers.hpp"

namespace deadlined::config::detail {

void read_holidays(ServiceSection& service, const std::filesystem::path& base_dir,
                   std::vector<Diagnostic>& diagnostics) {
  ServiceConfig& values = service.values;
  std::set<std::filesystem::path> seen_files;
  DecisionPlaces places;
  // Each glob's files are read before the next glob is expanded, so that the report lists
  // a holidays file before a glob after it that matches nothing.
  for (const Written& glob : service.holiday_globs) {
    for (const auto& file : expand_glob(glob, "holidays", base_dir, seen_files, diagnostics))
      load_holiday_file(file, values, places, diagnostics);
  }
  // A holiday fixed by law on a rest day needs a compensatory day in its decision.
  for (const auto& [key, where] : places) {
    for (const auto& day :
         calendar::uncompensated_holidays(key.first, values.workdays, values.decisions)) {
      if (day.occasion != key.second) continue;
      Reporter(where.file, diagnostics)
          .warning(where, day.name + " (" + date::format("%d/%m/%Y", day.date) +
                              ") falls on a weekly rest day, and this decision gives no day "
                              "off in the week after it (nghỉ bù, Labor Code 2019 Art. 111); "
                              "list it under 'compensatory'");
    }
  }
}

}  // namespace deadlined::config::detail
