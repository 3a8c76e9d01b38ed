#include "schedule/occurrence.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace deadlined::schedule {

std::string occurrence_id(date::local_days day) {
  // Formatted by hand: date::format builds a stream per call, and the agenda needs one id per
  // task (a third of the agenda's time at 100k tasks).
  date::year_month_day ymd{day};
  int year = static_cast<int>(ymd.year());
  unsigned month = static_cast<unsigned>(ymd.month());
  unsigned d = static_cast<unsigned>(ymd.day());
  if (year < 0 || year > 9999) return date::format("%Y%m%d", day);
  std::string id(8, '0');
  for (int i = 3; i >= 0; --i, year /= 10)
    id[static_cast<std::size_t>(i)] = static_cast<char>('0' + year % 10);
  id[4] = static_cast<char>('0' + month / 10);
  id[5] = static_cast<char>('0' + month % 10);
  id[6] = static_cast<char>('0' + d / 10);
  id[7] = static_cast<char>('0' + d % 10);
  return id;
}
namespace {

using config::Recurrence;

/// Bounds the search for an occurrence, whatever the rules say.
constexpr int k_max_steps = 10000;

long floor_div(long a, long b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

/// Month number m (years * 12 + month - 1) as a year_month.
date::year_month month_at(long m) {
  return date::year{static_cast<int>(floor_div(m, 12))} /
         date::month{static_cast<unsigned>(m - floor_div(m, 12) * 12 + 1)};
}

long month_number(date::year_month ym) {
  return static_cast<long>(static_cast<int>(ym.year())) * 12 +
         static_cast<long>(static_cast<unsigned>(ym.month())) - 1;
}

date::local_days day_in(date::year_month ym, unsigned day) {
  auto last = date::year_month_day_last{ym.year(), date::month_day_last{ym.month()}};
  unsigned clamped = std::min(day, static_cast<unsigned>(last.day()));
  return date::local_days{ym / date::day{clamped}};
}

std::string two_digits(unsigned n) {
  return (n < 10 ? "0" : "") + std::to_string(n);
}

/// The months of one calendar-aligned period kind: how many, and the number of the last
/// month of period `index`.
std::pair<long, long> months_of(Recurrence::Kind kind, long index) {
  switch (kind) {
    case Recurrence::Kind::quarterly:
      return {3, index * 3 + 2};
    case Recurrence::Kind::half_yearly:
      return {6, index * 6 + 5};
    case Recurrence::Kind::nine_monthly:
      return {9, index * 12 + 8};
    case Recurrence::Kind::yearly:
      return {12, index * 12 + 11};
    default:
      return {1, index};
  }
}

}  // namespace

Period period_of(const Recurrence& recurrence, long index) {
  Period p;
  if (recurrence.kind == Recurrence::Kind::every_days ||
      recurrence.kind == Recurrence::Kind::every_months) {
    date::local_days anchor = recurrence.from.value_or(date::local_days{});
    if (recurrence.kind == Recurrence::Kind::every_days) {
      p.start = anchor + date::days{index * recurrence.every};
      p.end = p.start + date::days{recurrence.every - 1};
    } else {
      date::year_month_day a{anchor};
      long first = month_number(a.year() / a.month()) + index * recurrence.every;
      p.start = day_in(month_at(first), static_cast<unsigned>(a.day()));
      p.end = day_in(month_at(first + recurrence.every), static_cast<unsigned>(a.day())) -
              date::days{1};
    }
    p.id = occurrence_id(p.start);
    p.name =
        "kỳ từ " + date::format("%d/%m/%Y", p.start) + " đến " + date::format("%d/%m/%Y", p.end);
    return p;
  }
  auto [months, last] = months_of(recurrence.kind, index);
  long first = last - months + 1;
  if (recurrence.nd09) {
    p.start = date::local_days{month_at(first - 1) / date::day{15}};
    p.end = date::local_days{month_at(last) / date::day{14}};
  } else {
    p.start = date::local_days{month_at(first) / date::day{1}};
    p.end = date::local_days{date::year_month_day_last{
        month_at(last).year(), date::month_day_last{month_at(last).month()}}};
  }
  date::year_month end = month_at(last);
  std::string year = std::to_string(static_cast<int>(end.year()));
  unsigned month = static_cast<unsigned>(end.month());
  switch (recurrence.kind) {
    case Recurrence::Kind::quarterly: {
      static constexpr std::array<const char*, 4> k_roman{"I", "II", "III", "IV"};
      unsigned quarter = (month - 1) / 3;
      p.id = year + "-Q" + std::to_string(quarter + 1);
      p.name = std::string("quý ") + k_roman[quarter] + "/" + year;
      break;
    }
    case Recurrence::Kind::half_yearly:
      p.id = year + (month <= 6 ? "-H1" : "-H2");
      p.name = (month <= 6 ? "6 tháng đầu năm " : "6 tháng cuối năm ") + year;
      break;
    case Recurrence::Kind::nine_monthly:
      p.id = year + "-9M";
      p.name = "9 tháng đầu năm " + year;
      break;
    case Recurrence::Kind::yearly:
      p.id = year;
      p.name = "năm " + year;
      break;
    default:
      p.id = year + "-" + two_digits(month);
      p.name = "tháng " + std::to_string(month) + "/" + year;
      break;
  }
  return p;
}

long period_index_near(const Recurrence& recurrence, date::local_days day) {
  date::year_month_day ymd{day};
  if (recurrence.kind == Recurrence::Kind::every_days) {
    auto anchor = recurrence.from.value_or(date::local_days{});
    return floor_div((day - anchor).count(), recurrence.every);
  }
  if (recurrence.kind == Recurrence::Kind::every_months) {
    date::year_month_day a{recurrence.from.value_or(date::local_days{})};
    long months = month_number(ymd.year() / ymd.month()) - month_number(a.year() / a.month());
    if (ymd.day() < a.day()) --months;
    return floor_div(months, recurrence.every);
  }
  long m = month_number(ymd.year() / ymd.month());
  if (recurrence.nd09 && ymd.day() >= date::day{15}) ++m;
  switch (recurrence.kind) {
    case Recurrence::Kind::quarterly:
      return floor_div(m, 3);
    case Recurrence::Kind::half_yearly:
      return floor_div(m, 6);
    case Recurrence::Kind::nine_monthly:
    case Recurrence::Kind::yearly:
      return floor_div(m, 12);
    default:
      return m;
  }
}

Occurrences::Occurrences(const config::Config& config, const calendar::WorkCalendar& calendar,
                         const config::Plan& plan, const config::Task& task)
    : config_(config), calendar_(calendar), plan_(plan), task_(task), root_(&task) {
  // The loader refuses unknown targets and loops; the bound only guards against both.
  for (std::size_t i = 0; i <= plan.tasks.size(); ++i) {
    const config::DueSpec& due = root_->due;
    if (due.kind != config::DueSpec::Kind::rule ||
        due.rule.kind != config::DueRule::Kind::before_task)
      break;
    const config::Task* target = plan.find_task(due.rule.task);
    if (!target) break;
    root_ = target;
  }
}

std::optional<Occurrence> Occurrences::at(long index) const {
  if (!recurring()) {
    if (index != 0) return std::nullopt;
    SysSeconds due = due_of(task_, 0, std::nullopt);
    auto day = date::floor<date::days>(config_.service.zone->to_local(due));
    return Occurrence{0, occurrence_id(day), {}, due};
  }
  const Recurrence& recurrence = root_->recurrence;
  Period period = period_of(recurrence, index);
  if (recurrence.from && period.end < *recurrence.from) return std::nullopt;
  if (recurrence.until && period.end > *recurrence.until) return std::nullopt;
  SysSeconds due = due_of(task_, index, period);
  return Occurrence{index, std::move(period.id), std::move(period.name), due};
}

std::optional<Occurrence> Occurrences::find(std::string_view id) const {
  if (!recurring()) {
    auto only = at(0);
    if (only && only->id == id) return only;
    return std::nullopt;
  }
  // Every period id starts with the year its period ends in, or (every-N) starts in.
  int year = 0;
  if (id.size() < 4 || std::from_chars(id.data(), id.data() + 4, year).ec != std::errc{})
    return std::nullopt;
  const Recurrence& recurrence = root_->recurrence;
  long first = period_index_near(recurrence, date::local_days{date::year{year} / 1 / 1}) - 2;
  for (long index = first; index < first + 400; ++index) {
    if (period_of(recurrence, index).id == id) return at(index);
  }
  return std::nullopt;
}

std::optional<Occurrence> Occurrences::first_due_from(SysSeconds t) const {
  if (!recurring()) {
    auto only = at(0);
    if (only && only->due >= t) return only;
    return std::nullopt;
  }
  const Recurrence& recurrence = root_->recurrence;
  long index =
      period_index_near(recurrence, date::floor<date::days>(config_.service.zone->to_local(t)));
  if (recurrence.from) index = std::max(index, period_index_near(recurrence, *recurrence.from));
  for (int step = 0; step < k_max_steps; ++step) {
    auto previous = at(index - 1);
    if (!previous || previous->due < t) break;
    --index;
  }
  for (int step = 0; step < k_max_steps; ++step, ++index) {
    if (recurrence.until && period_of(recurrence, index).end > *recurrence.until) break;
    auto occurrence = at(index);
    if (occurrence && occurrence->due >= t) return occurrence;
  }
  return std::nullopt;
}

SysSeconds Occurrences::due_of(const config::Task& task, long index,
                               const std::optional<Period>& period) const {
  const config::ServiceConfig& service = config_.service;
  auto to_sys = [&](date::local_days day) {
    return service.zone->to_sys(day + service.day_end, date::choose::earliest);
  };
  const config::DueSpec& due = task.due;
  switch (due.kind) {
    case config::DueSpec::Kind::offset_datetime:
      return due.instant;
    case config::DueSpec::Kind::local_datetime:
      return service.zone->to_sys(due.local_time, date::choose::earliest);
    case config::DueSpec::Kind::before:
      return to_sys(calendar_.previous_working_day(due.day));
    case config::DueSpec::Kind::date:
    case config::DueSpec::Kind::rule:
      break;
  }
  const config::DueRule& rule = due.rule;
  date::local_days day = due.day;
  if (due.kind == config::DueSpec::Kind::rule) {
    if (rule.kind == config::DueRule::Kind::before_task) {
      const config::Task* target = plan_.find_task(rule.task);
      if (!target || target == &task) return SysSeconds{};
      SysSeconds target_due = due_of(*target, index, period);
      auto target_day = date::floor<date::days>(service.zone->to_local(target_due));
      date::local_days own =
          rule.offset.kind == config::Lead::Kind::working_days
              ? calendar_.working_days_before(target_day, static_cast<long>(rule.offset.amount))
              : calendar_.on_or_before(target_day - date::days{rule.offset.amount});
      return std::min(to_sys(own), target_due);
    }
    if (!period) return SysSeconds{};
    if (rule.kind == config::DueRule::Kind::after_end) {
      day = period->end;
      if (rule.offset.kind == config::Lead::Kind::working_days) {
        for (long i = 0; i < rule.offset.amount; ++i)
          day = calendar_.next_working_day(day);
      } else {
        day += date::days{rule.offset.amount};
      }
    } else {
      date::year_month end{date::year_month_day{period->end}.year(),
                           date::year_month_day{period->end}.month()};
      date::year_month month = rule.month
                                   ? end.year() / date::month{static_cast<unsigned>(rule.month)}
                                   : end + date::months{rule.month_offset};
      day = day_in(month, static_cast<unsigned>(rule.day));
    }
    if (due.rule_before) return to_sys(calendar_.previous_working_day(day));
  }
  if (task.move_off_non_working_day && !calendar_.is_working_day(day))
    day = calendar_.next_working_day(day);
  return to_sys(day);
}

}  // namespace deadlined::schedule
