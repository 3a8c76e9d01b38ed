#include "cli/report.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <tuple>

#include <CLI/CLI.hpp>

#include "config/loader.hpp"
#include "http/extensions.hpp"
#include "journal/journal.hpp"
#include "report/export.hpp"
#include "report/statistics.hpp"
#include "report/xlsx.hpp"
#include "schedule/chase.hpp"
#include "scheduler/clock.hpp"

namespace deadlined::cli {
namespace {

/// A day written YYYY-MM-DD, and a real one (no 2026-02-30).
std::optional<date::local_days> parse_day(const std::string& text) {
  if (text.size() != 10) return std::nullopt;
  std::istringstream in(text);
  date::local_days day;
  in >> date::parse("%Y-%m-%d", day);
  if (in.fail() || in.peek() != std::char_traits<char>::eof()) return std::nullopt;
  return day;
}

bool write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  out.close();
  return static_cast<bool>(out);
}

std::string known_plans(const config::Config& config) {
  std::string list;
  for (const config::Plan& plan : config.plans)
    list += (list.empty() ? "" : ", ") + plan.id;
  return list.empty() ? "cấu hình chưa có kế hoạch nào" : "các kế hoạch đã cấu hình: " + list;
}

}  // namespace

CLI::App* add_report_command(CLI::App& app, std::string& config_file, ReportArgs& args) {
  auto* command = app.add_subcommand(
      "report", "On-time statistics of the assignments due in a window, per unit and plan");
  command->add_option("-c,--config", config_file, "Main configuration file")->capture_default_str();
  command->add_option("--from", args.from, "First day, YYYY-MM-DD (service time zone)")->required();
  command->add_option("--to", args.to, "Last day, YYYY-MM-DD (included)")->required();
  command->add_option("--plan", args.plan, "Only this plan's tasks");
  command->add_option("--format", args.format, "text, csv, xlsx or json")
      ->check(CLI::IsMember({"text", "csv", "xlsx", "json"}));
  command->add_option("--output", args.output, "Write to this file instead of standard output");
  return command;
}

int do_report(const std::string& config_file, const ReportArgs& args) {
  auto loaded = config::load_config(config_file);
  for (const auto& d : loaded.diagnostics)
    std::cerr << d.to_string() << '\n';
  if (loaded.omitted > 0) std::cerr << loaded.omitted_note() << '\n';
  if (!loaded.config) return 1;
  const config::Config& config = *loaded.config;

  auto from = parse_day(args.from);
  auto to = parse_day(args.to);
  for (const auto& [day, text, what] :
       {std::tuple{from, args.from, "--from"}, std::tuple{to, args.to, "--to"}}) {
    if (day) continue;
    std::cerr << "Lỗi: ngày '" << text << "' của " << what
              << " không hợp lệ: ghi theo dạng YYYY-MM-DD, ví dụ 2026-12-01\n";
    return 1;
  }
  if (*from > *to) {
    std::cerr << "Lỗi: ngày bắt đầu (--from " << args.from << ") sau ngày kết thúc (--to "
              << args.to << ")\n";
    return 1;
  }
  if (!args.plan.empty() && !std::any_of(config.plans.begin(), config.plans.end(),
                                         [&](const auto& p) { return p.id == args.plan; })) {
    std::cerr << "Lỗi: không có kế hoạch '" << args.plan << "' (" << known_plans(config) << ")\n";
    return 1;
  }
  if (args.format == "xlsx" && args.output.empty() && ::isatty(STDOUT_FILENO)) {
    std::cerr << "Lỗi: tệp XLSX không in ra màn hình được: hãy chỉ định --output TỆP.xlsx "
                 "(hoặc chuyển hướng đầu ra sang tệp)\n";
    return 1;
  }
  // As `ack`: a journal that is not there is not the daemon's, and a report without its
  // confirmations would count every assignment as not done.
  const std::filesystem::path path = config.service.state_dir / "journal.sqlite";
  if (std::error_code ec; !std::filesystem::is_regular_file(path, ec)) {
    std::cerr << "Lỗi: không có nhật ký tại " << path.string()
              << ", nên không biết đơn vị nào đã hoàn thành. Dịch vụ giữ nhật ký trong "
                 "state_dir; khi chạy bằng systemd, đó là /var/lib/deadlined (StateDirectory=) "
                 "nếu không đặt state_dir: hãy đặt state_dir trong "
              << config_file << " hoặc chạy với STATE_DIRECTORY=/var/lib/deadlined\n";
    return 1;
  }
  journal::JournalOptions options;
  options.read_only = true;
  journal::Journal journal(path, options);

  const auto extensions = http::read_extensions(config, journal);
  report::Query query;
  report::judge_by(query, *extensions);
  query.from = schedule::local_to_sys(config, date::local_seconds{*from});
  query.to = schedule::local_to_sys(config, date::local_seconds{*to + date::days{1}});
  if (!args.plan.empty()) query.plan = args.plan;
  query.now = scheduler::system_now();
  query.done_at = [&](const ids::AssignmentId& id) -> std::optional<report::SysSeconds> {
    auto latest = journal.latest(id);
    // Done when the Office received the report, if it recorded it on the unit's behalf.
    if (latest && latest->confirmed) return latest->done_at();
    return std::nullopt;
  };
  const report::Report result = report::compute(config, query);

  std::string bytes;
  if (args.format == "csv")
    bytes = report::to_csv(result);
  else if (args.format == "json")
    bytes = report::to_json(result);
  else if (args.format == "xlsx")
    bytes = report::to_xlsx(result);
  else
    bytes = report::to_text(result);

  if (args.output.empty()) {
    std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::cout.flush();
    return std::cout ? 0 : 1;
  }
  if (!write_file(args.output, bytes)) {
    std::cerr << "Lỗi: không ghi được tệp " << args.output << "\n";
    return 1;
  }
  std::cerr << "Đã ghi báo cáo vào tệp " << args.output << "\n";
  return 0;
}

}  // namespace deadlined::cli
