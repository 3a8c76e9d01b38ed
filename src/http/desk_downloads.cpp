#include "http/desk_downloads.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>
#include <optional>
#include <string_view>

#include "http/desk_record.hpp"
#include "http/forms.hpp"
#include "http/office_login.hpp"
#include "http/pages.hpp"
#include "journal/store.hpp"
#include "report/export.hpp"
#include "report/statistics.hpp"
#include "report/xlsx.hpp"
#include "schedule/chase.hpp"

namespace deadlined::http {
namespace {

/// A month, a quarter or a year of the report: its first day and the first day after it.
struct ReportPeriod {
  enum class Kind { month, quarter, year };
  Kind kind = Kind::month;
  int year = 0;
  unsigned number = 1;  ///< the month 1..12 or the quarter 1..4; 1 for a year

  date::local_days first() const {
    unsigned month = kind == Kind::month ? number : kind == Kind::quarter ? 3 * number - 2 : 1;
    return date::local_days{date::year{year} / date::month{month} / 1};
  }
  date::local_days after() const {
    auto start = date::year_month_day{first()};
    auto ym = date::year_month{start.year(), start.month()};
    ym += date::months{kind == Kind::month ? 1 : kind == Kind::quarter ? 3 : 12};
    return date::local_days{ym / 1};
  }
  /// As `at` writes it, and in the file's name: "2026-12", "2026-Q4", "2026".
  std::string id() const {
    std::string y = std::to_string(year);
    if (kind == Kind::year) return y;
    if (kind == Kind::quarter) return y + "-Q" + std::to_string(number);
    return y + (number < 10 ? "-0" : "-") + std::to_string(number);
  }
  /// As the Office reads it: "tháng 12/2026", "quý IV/2026", "năm 2026".
  std::string name() const {
    constexpr std::array<std::string_view, 4> k_roman{"I", "II", "III", "IV"};
    std::string y = std::to_string(year);
    if (kind == Kind::year) return "năm " + y;
    if (kind == Kind::quarter) return "quý " + std::string(k_roman[number - 1]) + "/" + y;
    return "tháng " + std::to_string(number) + "/" + y;
  }
  std::string_view code() const {
    return kind == Kind::month ? "month" : kind == Kind::quarter ? "quarter" : "year";
  }
  ReportPeriod previous() const {
    ReportPeriod p = *this;
    unsigned last = kind == Kind::month ? 12 : kind == Kind::quarter ? 4 : 1;
    if (p.number > 1) {
      --p.number;
    } else {
      --p.year;
      p.number = last;
    }
    return p;
  }
};

/// The period of `kind` that holds `day`.
ReportPeriod period_holding(ReportPeriod::Kind kind, date::local_days day) {
  date::year_month_day ymd{day};
  unsigned month = static_cast<unsigned>(ymd.month());
  ReportPeriod p{kind, static_cast<int>(ymd.year()), 1};
  if (kind == ReportPeriod::Kind::month) p.number = month;
  if (kind == ReportPeriod::Kind::quarter) p.number = (month + 2) / 3;
  return p;
}

std::optional<int> number_of(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

/// The period of a query: `period` month, quarter or year, and `at` "2026-11", "2026-Q3",
/// "2025"; without `at`, the one holding `today`. None when either is not understood.
std::optional<ReportPeriod> period_of(std::string_view kind_code, std::string_view at,
                                      date::local_days today) {
  ReportPeriod::Kind kind;
  if (kind_code == "month" || kind_code.empty())
    kind = ReportPeriod::Kind::month;
  else if (kind_code == "quarter")
    kind = ReportPeriod::Kind::quarter;
  else if (kind_code == "year")
    kind = ReportPeriod::Kind::year;
  else
    return std::nullopt;
  if (at.empty()) return period_holding(kind, today);
  auto year = number_of(at.substr(0, 4));
  if (at.size() < 4 || !year || *year < 1970 || *year > 9999) return std::nullopt;
  std::string_view rest = at.substr(4);
  std::optional<int> number = 1;
  if (kind == ReportPeriod::Kind::year) {
    if (!rest.empty()) return std::nullopt;
  } else if (kind == ReportPeriod::Kind::quarter) {
    if (rest.size() != 3 || rest.substr(0, 2) != "-Q") return std::nullopt;
    number = number_of(rest.substr(2));
    if (!number || *number < 1 || *number > 4) return std::nullopt;
  } else {
    if (rest.size() != 3 || rest[0] != '-') return std::nullopt;
    number = number_of(rest.substr(1));
    if (!number || *number < 1 || *number > 12) return std::nullopt;
  }
  return ReportPeriod{kind, *year, static_cast<unsigned>(*number)};
}

bool plan_configured(const config::Config& config, const std::string& plan) {
  return std::any_of(config.plans.begin(), config.plans.end(),
                     [&](const config::Plan& p) { return p.id == plan; });
}

/// The report of [first, after) judged at `now`, as `deadlined report` computes it, with the
/// confirmations read in one query.
report::Report compute_report(const config::Config& config, const LatestConfirmations& latest,
                              const schedule::Extensions& extensions, const ReportPeriod& period,
                              const std::string& plan, config::SysSeconds now) {
  report::Query query;
  report::judge_by(query, extensions);
  query.from = schedule::local_to_sys(config, date::local_seconds{period.first()});
  query.to = schedule::local_to_sys(config, date::local_seconds{period.after()});
  if (!plan.empty()) query.plan = plan;
  query.now = now;
  query.done_at = [&](const ids::AssignmentId& id) -> std::optional<report::SysSeconds> {
    auto it = latest.find(id.to_string());
    // Done when the Office received the report, if it recorded it on the unit's behalf.
    if (it != latest.end() && it->second.confirmed) return it->second.done_at();
    return std::nullopt;
  };
  return report::compute(config, query);
}

std::string download_href(const ReportPeriod& period, std::string_view format,
                          const std::string& plan) {
  std::string href = "/status/report?period=" + std::string(period.code()) + "&at=" + period.id() +
                     "&format=" + std::string(format);
  if (!plan.empty()) href += "&plan=" + query_value(plan);
  return href;
}

Response bad_request(std::string_view message) {
  return html_response(400, message_page("Yêu cầu không hợp lệ", message));
}

}  // namespace

std::string downloads_html(const config::Config& config, const DeskFilter& filter,
                           config::SysSeconds now) {
  const std::string plan = plan_configured(config, filter.plan) ? filter.plan : "";
  const date::local_days today = schedule::local_day_of(config, now);
  std::string out =
      "<section class=\"downloads\">\n<h2>Tải báo cáo đúng hạn</h2>\n<ul class=\"units\">\n";
  for (auto kind :
       {ReportPeriod::Kind::month, ReportPeriod::Kind::quarter, ReportPeriod::Kind::year}) {
    const ReportPeriod current = period_holding(kind, today);
    for (const ReportPeriod& period : {current, current.previous()}) {
      out += "<li>" + escape_html(period.name()) + ":";
      for (std::string_view format : {"csv", "xlsx"}) {
        std::string label = format == "csv" ? "CSV" : "XLSX";
        out += " <a href=\"" + escape_html(download_href(period, format, plan)) + "\">" + label +
               "</a>";
      }
      out += "</li>\n";
    }
  }
  out += "</ul>\n";
  if (!plan.empty()) out += "<p class=\"muted\">Chỉ các nhiệm vụ của kế hoạch đang lọc.</p>\n";
  return out + "</section>\n";
}

Response report_download(Backend& backend, const Request& request) {
  auto config = backend.config();
  auto login = desk_login(config->http, request);
  if (auto* refused = std::get_if<Response>(&login)) return std::move(*refused);

  std::string_view target = request.target;
  auto question = target.find('?');
  auto fields = parse_form(question == std::string_view::npos ? "" : target.substr(question + 1));
  const config::SysSeconds now = backend.now();
  auto period = period_of(fields["period"], fields["at"], schedule::local_day_of(*config, now));
  if (!period) {
    return bad_request(
        "Kỳ báo cáo không hợp lệ: chọn tháng (period=month&at=2026-11), quý "
        "(period=quarter&at=2026-Q3) hoặc năm (period=year&at=2026).");
  }
  const std::string format = fields["format"].empty() ? "csv" : fields["format"];
  if (format != "csv" && format != "xlsx")
    return bad_request("Định dạng không hợp lệ: chọn CSV (format=csv) hoặc XLSX (format=xlsx).");
  const std::string plan = fields["plan"];
  if (!plan.empty() && !plan_configured(*config, plan))
    return bad_request("Không có kế hoạch '" + plan + "' trong cấu hình.");

  Response r;
  // Built on the background thread, with a read-only journal connection of its own.
  r.deferred = [config, extensions = backend.extensions(), period = *period, format, plan, now,
                open_journal =
                    backend.journal().reader(std::chrono::seconds{2})](Response& response) {
    std::unique_ptr<journal::Store> reader = open_journal();
    journal::Store& journal = *reader;
    const auto latest = index_confirmations(journal.latest_confirmations());
    const report::Report result = compute_report(*config, latest, *extensions, period, plan, now);
    // The file's name stays ASCII and needs no quoting: a plan's id keeps only such letters.
    std::string name = "bao-cao-dung-han-" + period.id();
    if (!plan.empty()) name += '-';
    for (char c : plan)
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_')
        name += c;
    if (format == "xlsx") {
      response.body = report::to_xlsx(result);
      response.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    } else {
      response.body = report::to_csv(result);
      response.content_type = "text/csv; charset=utf-8";
    }
    response.headers.emplace_back("Content-Disposition",
                                  "attachment; filename=\"" + name + "." + format + "\"");
  };
  return r;
}

}  // namespace deadlined::http
