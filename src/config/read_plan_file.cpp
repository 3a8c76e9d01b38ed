#include <algorithm>
#include <cstddef>
#include <cstdio>

#include "config/readers.hpp"
#include "config/suggest.hpp"

namespace deadlined::config::detail {
namespace {

std::size_t errors_from(const std::vector<Diagnostic>& diagnostics, std::size_t first) {
  return static_cast<std::size_t>(
      std::count_if(diagnostics.begin() + static_cast<std::ptrdiff_t>(first), diagnostics.end(),
                    [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::error; }));
}

/// A document's date: `2020-07-15`, or `"2020-07"` when only the month is known (the seed's
/// "ngày  tháng 7 năm 2020").
void read_document_date(TableReader& r, std::optional<LocalDays>& day, bool& month_only) {
  const toml::node* d = r.node("date");
  if (!d) return;
  if (auto v = d->value_exact<toml::date>()) {
    day = to_local_days(*v);
    return;
  }
  if (auto text = d->value_exact<std::string>()) {
    int y = 0;
    unsigned m = 0;
    char dash = 0, rest = 0;
    if (std::sscanf(text->c_str(), "%4d%c%2u%c", &y, &dash, &m, &rest) == 3 && dash == '-' &&
        text->size() == 7 && m >= 1 && m <= 12 && y >= 1900) {
      day = LocalDays{date::year{y} / date::month{m} / 1};
      month_only = true;
      return;
    }
  }
  r.wrong_type(*d, "date",
               "ngày, ví dụ 2020-07-15, hoặc chuỗi \"2020-07\" khi văn bản chỉ ghi tháng và năm");
}

/// `[[plan.edition]]`: a recurring plan's issue of one year.
void read_editions(TableReader& top, Plan& plan) {
  const toml::node* node = top.node("edition");
  if (!node) return;
  Reporter& reporter = top.reporter();
  const toml::array* list = node->as_array();
  if (!list || !list->is_array_of_tables())
    return top.wrong_type(*node, "edition", "mảng bảng ([[plan.edition]])");
  for (const toml::node& element : *list) {
    const toml::table& t = *element.as_table();
    TableReader r(t, "[[plan.edition]]", reporter);
    Edition edition;
    if (const toml::node* y = r.node("year", true)) {
      if (auto v = y->value_exact<std::int64_t>(); v && *v >= 1900 && *v <= 2100) {
        edition.year = static_cast<int>(*v);
      } else {
        r.wrong_type(*y, "year", "số nguyên chỉ năm, ví dụ 2027");
      }
    }
    if (auto v = r.string("number")) edition.number = *v;
    if (auto v = r.string("basis")) edition.basis = *v;
    read_document_date(r, edition.date, edition.date_month_only);
    if (edition.date && edition.year &&
        static_cast<int>(date::year_month_day{*edition.date}.year()) != edition.year) {
      reporter.error(t.get("date")->source(), "ngày của bản năm " + std::to_string(edition.year) +
                                                  " không thuộc năm " +
                                                  std::to_string(edition.year));
    }
    bool duplicate = std::any_of(plan.editions.begin(), plan.editions.end(),
                                 [&](const Edition& e) { return e.year == edition.year; });
    if (edition.year && duplicate) {
      reporter.error(t.get("year")->source(),
                     "kế hoạch đã có bản năm " + std::to_string(edition.year));
    }
    r.finish();
    plan.editions.push_back(std::move(edition));
  }
}

/// The [plan] table.
void read_plan_table(TableReader& top, PlanSection& section) {
  const toml::node* node = top.node("plan", true);
  if (!node) return;
  const toml::table* t = node->as_table();
  if (!t) return top.wrong_type(*node, "plan", "bảng");
  Plan& plan = section.values;
  Reporter& reporter = top.reporter();
  TableReader r(*t, "[plan]", reporter);
  section.where = reporter.pos(t->source());
  if (auto id = r.string("id", true)) {
    plan.id = *id;
    if (!valid_id(*id)) {
      reporter.error(t->get("id")->source(),
                     "mã kế hoạch '" + *id +
                         "' không hợp lệ: mã chỉ gồm chữ cái không dấu, chữ số, '-' và '_'; viết: "
                         "id = \"" +
                         id_from(*id) + "\"");
    } else {
      section.id_where = reporter.pos(t->get("id")->source());
    }
  }
  if (auto v = r.string("number")) plan.number = *v;
  if (auto v = r.string("kind")) plan.kind = *v;
  if (auto v = r.string("title", true)) plan.title = *v;
  if (auto v = r.string("basis")) plan.basis = *v;
  if (auto v = r.string("issuer")) plan.issuer = *v;
  read_document_date(r, plan.date, plan.date_month_only);
  read_editions(r, plan);
  section.leads = read_leads(r);
  section.chase = read_chase(r);
  r.finish();
}

}  // namespace

PlanFile read_plan_file(const std::filesystem::path& file) {
  PlanFile out;
  auto root = parse_file(file, out.diagnostics);
  if (!root) return out;
  Reporter reporter(file.string(), out.diagnostics);
  TableReader top(*root, "tệp kế hoạch", reporter);
  PlanSection& section = out.plan.emplace();
  section.where = reporter.file_pos();
  read_plan_table(top, section);
  if (const toml::node* node = top.node("task")) {
    if (const toml::array* tasks = node->as_array(); tasks && tasks->is_array_of_tables()) {
      section.tasks.reserve(tasks->size());
      std::map<std::string, std::uint32_t> task_ids;
      for (const toml::node& element : *tasks) {
        std::size_t first = out.diagnostics.size();
        TaskSection& task =
            section.tasks.emplace_back(read_task(*element.as_table(), reporter, task_ids));
        task.clean = errors_from(out.diagnostics, first) == 0;
      }
    } else {
      top.wrong_type(*node, "task", "mảng bảng ([[task]])");
    }
  } else {
    reporter.warning(section.where,
                     "kế hoạch '" + section.values.id + "' chưa có nhiệm vụ nào ([[task]])");
  }
  top.finish();
  return out;
}

}  // namespace deadlined::config::detail
