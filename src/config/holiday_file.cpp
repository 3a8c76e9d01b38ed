#include "config/holiday_file.hpp"

#include <algorithm>

#include "config/toml_reader.hpp"

namespace deadlined::config::detail {
namespace {

/// The longest range a decision may give in one entry.
constexpr date::days k_max_range{31};
constexpr int k_first_year = calendar::k_first_holiday_year;
constexpr int k_last_year = calendar::k_last_holiday_year;

int year_of(LocalDays day) {
  return static_cast<int>(date::year_month_day{day}.year());
}

std::optional<LocalDays> read_date(TableReader& reader, std::string_view key) {
  const toml::node* n = reader.node(key, true);
  if (!n) return std::nullopt;
  if (auto d = n->value_exact<toml::date>()) return to_local_days(*d);
  reader.wrong_type(*n, key, "ngày, ví dụ 2026-09-02");
  return std::nullopt;
}

/// Reads `key`: an array of dates and { from = ..., to = ... } ranges, all within `year`.
void read_days(TableReader& reader, std::string_view key, int year, std::vector<LocalDays>& out) {
  const toml::node* n = reader.node(key);
  if (!n) return;
  const toml::array* array = n->as_array();
  std::string what = "'" + std::string(key) + "' ở " + reader.context();
  if (!array) return reader.wrong_type(*n, key, "mảng gồm các ngày và khoảng { from, to }");
  Reporter& reporter = reader.reporter();
  for (const toml::node& element : *array) {
    std::optional<LocalDays> from;
    std::optional<LocalDays> to;
    if (auto d = element.value_exact<toml::date>()) {
      from = to = to_local_days(*d);
    } else if (const toml::table* table = element.as_table()) {
      TableReader range(*table, "khoảng ngày của " + what, reporter);
      from = read_date(range, "from");
      to = read_date(range, "to");
      range.finish();
      if (!from || !to) continue;
      if (*to < *from) {
        reporter.error(element.source(),
                       "khoảng ngày này trong " + what + " có ngày kết thúc trước ngày bắt đầu");
        continue;
      }
      if (*to - *from >= k_max_range) {
        reporter.error(element.source(), "khoảng ngày này trong " + what +
                                             " dài hơn 31 ngày; hãy tách thành "
                                             "nhiều khoảng");
        continue;
      }
    } else {
      reporter.error(element.source(), what +
                                           " chỉ được chứa ngày hoặc khoảng { from = ..., to = "
                                           "... }, không chứa " +
                                           std::string(type_name(element.type())));
      continue;
    }
    if (year_of(*from) != year || year_of(*to) != year) {
      reporter.error(element.source(), "ngày " + date::format("%d/%m/%Y", *from) + " trong " +
                                           what + " không thuộc năm " + std::to_string(year) +
                                           " của quyết định");
      continue;
    }
    for (LocalDays day = *from; day <= *to; day += date::days{1})
      out.push_back(day);
  }
}

std::string occasion_list() {
  std::string out;
  for (auto occasion : {calendar::Occasion::new_year, calendar::Occasion::lunar_new_year,
                        calendar::Occasion::hung_kings, calendar::Occasion::victory_labour,
                        calendar::Occasion::national_day}) {
    out += (out.empty() ? "\"" : ", \"") + std::string(calendar::to_string(occasion)) + "\"";
  }
  return out;
}

std::size_t errors_in(const std::vector<Diagnostic>& diagnostics) {
  return static_cast<std::size_t>(
      std::count_if(diagnostics.begin(), diagnostics.end(),
                    [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::error; }));
}

std::optional<calendar::Decision> read_decision(const toml::table& table, ServiceConfig& service,
                                                DecisionPlaces& places, Reporter& reporter,
                                                bool workdays_known) {
  TableReader r(table, "[[decision]]", reporter);
  calendar::Decision decision;
  bool year_ok = false;
  if (const toml::node* n = r.node("year", true)) {
    if (auto y = n->value_exact<std::int64_t>(); y && *y >= k_first_year && *y <= k_last_year) {
      decision.year = static_cast<int>(*y);
      year_ok = true;
    } else {
      reporter.error(n->source(), "'year' trong [[decision]] phải là một năm từ " +
                                      std::to_string(k_first_year) + " đến " +
                                      std::to_string(k_last_year));
    }
  }
  std::optional<calendar::Occasion> occasion;
  if (auto text = r.string("occasion", true)) {
    occasion = calendar::occasion_from_string(*text);
    if (occasion) {
      decision.occasion = *occasion;
    } else {
      reporter.error(table.get("occasion")->source(),
                     "dịp nghỉ '" + *text + "' không hợp lệ: dùng một trong " + occasion_list());
    }
  }
  if (auto source = r.string("source", true)) {
    decision.source = trim(*source);
    if (decision.source.empty()) {
      reporter.error(table.get("source")->source(),
                     "'source' trong [[decision]] phải nêu quyết định (số, ngày, cơ quan "
                     "ban hành)");
    }
  }
  if (year_ok && occasion) {
    SourcePos where = reporter.pos(table.source());
    if (auto [it, inserted] = places.emplace(std::pair{decision.year, *occasion}, where);
        !inserted) {
      reporter.error(where, "quyết định cho dịp '" + std::string(calendar::to_string(*occasion)) +
                                "' năm " + std::to_string(decision.year) +
                                " đã được khai báo tại " + it->second.file + ":" +
                                std::to_string(it->second.line) + ":" +
                                std::to_string(it->second.column));
    }
  }
  if (year_ok) {
    read_days(r, "off", decision.year, decision.off);
    read_days(r, "swap_off", decision.year, decision.swap_off);
    read_days(r, "compensatory", decision.year, decision.compensatory);
    read_days(r, "work", decision.year, decision.work);
  }
  for (LocalDays day : decision.work) {
    const toml::node* where = table.get("work");
    if (workdays_known && service.workdays[date::weekday{day}.c_encoding()]) {
      reporter.error(where->source(), "ngày " + date::format("%d/%m/%Y", day) +
                                          " trong 'work' vốn là ngày làm việc; 'work' chỉ "
                                          "ghi các ngày nghỉ hằng tuần phải đi làm (làm bù)");
    }
    for (const auto* list : {&decision.off, &decision.swap_off, &decision.compensatory}) {
      if (std::find(list->begin(), list->end(), day) != list->end()) {
        reporter.error(where->source(), "ngày " + date::format("%d/%m/%Y", day) +
                                            " vừa là ngày nghỉ vừa là ngày làm bù");
      }
    }
  }
  r.finish();
  return decision;
}

}  // namespace

void load_holiday_file(const std::filesystem::path& file, ServiceConfig& service,
                       DecisionPlaces& places, std::vector<Diagnostic>& diagnostics,
                       bool workdays_known) {
  auto root = parse_file(file, diagnostics);
  if (!root) return;
  Reporter reporter(file.string(), diagnostics);
  TableReader top(*root, "tệp ngày nghỉ lễ", reporter);
  if (const toml::node* node = top.node("decision", true)) {
    const toml::array* decisions = node->as_array();
    if (!decisions || !decisions->is_array_of_tables()) {
      top.wrong_type(*node, "decision", "mảng bảng ([[decision]])");
    } else {
      for (const toml::node& element : *decisions) {
        std::size_t errors_before = errors_in(diagnostics);
        auto decision =
            read_decision(*element.as_table(), service, places, reporter, workdays_known);
        if (decision && errors_in(diagnostics) == errors_before)
          service.decisions.push_back(std::move(*decision));
      }
    }
  }
  top.finish();
}

}  // namespace deadlined::config::detail
