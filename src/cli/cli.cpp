#include "cli/cli.hpp"

#include <curl/curl.h>

#include <atomic>
#include <iostream>
#include <optional>
#include <set>
#include <utility>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/daemon.hpp"
#include "app/runtime.hpp"
#include "app/token_store.hpp"
#include "calendar/holidays.hpp"
#include "cli/ack.hpp"
#include "cli/history.hpp"
#include "cli/preview.hpp"
#include "cli/report.hpp"
#include "cli/when.hpp"
#include "config/loader.hpp"
#include "delivery/channel.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"
#include "schedule/schedule.hpp"
#include "scheduler/scheduler.hpp"

namespace deadlined::cli {
namespace {

constexpr const char* k_default_config = "/etc/deadlined/deadlined.toml";

/// The configuration file when --config is not given: $DEADLINED_CONFIG, else the system's.
std::string default_config() {
  const char* env = std::getenv("DEADLINED_CONFIG");
  return env && *env ? env : k_default_config;
}

void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("deadlined");
  // journald adds its own timestamps; under systemd print only the level and the message.
  // Elsewhere, local time with its offset (2026-12-08 08:00:00.000+07:00), so that a line
  // read on another machine, or across a change of time zone, still names its instant.
  logger->set_pattern(std::getenv("JOURNAL_STREAM") ? "[%l] %v" : "%Y-%m-%d %H:%M:%S.%e%z [%l] %v");
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
  // A failing sink must never stop the daemon.
  spdlog::set_error_handler([](const std::string&) {});
}

/// Loads the config, printing every diagnostic to stderr; null when there are errors.
std::shared_ptr<const config::Config> load_or_report(const std::string& file,
                                                     const config::LoadOptions& options = {}) {
  auto loaded = config::load_config(file, options);
  for (const auto& d : loaded.diagnostics)
    std::cerr << d.to_string() << '\n';
  if (loaded.omitted > 0) std::cerr << loaded.omitted_note() << '\n';
  if (!loaded.config) std::cerr << file << ": " << loaded.errors << " lỗi\n";
  return loaded.config;
}

/// Warns when the current or the next year has no holiday decision entered: its days off
/// then follow the fallback rules, which the Government's decision may not.
void warn_missing_decisions(const config::Config& config, config::SysSeconds now) {
  const auto& service = config.service;
  if (!service.vietnam_holidays) return;
  auto today = date::year_month_day{date::floor<date::days>(service.zone->to_local(now))};
  int this_year = static_cast<int>(today.year());
  for (int year : {this_year, this_year + 1}) {
    bool decided = std::any_of(service.decisions.begin(), service.decisions.end(),
                               [&](const auto& d) { return d.year == year; });
    if (decided) continue;
    config::Diagnostic warning{
        service.holiday_globs.empty() ? config::SourcePos{config.file.string(), 0, 0}
                                      : service.holidays_where,
        config::Diagnostic::Severity::warning,
        "chưa nhập quyết định nghỉ lễ năm " + std::to_string(year) +
            "; các ngày nghỉ của năm này tạm tính theo quy tắc dự phòng (docs/CALENDAR.md) "
            "cho đến khi quyết định của Chính phủ được thêm vào tệp ngày nghỉ lễ"};
    std::cerr << warning.to_string() << '\n';
  }
}

int do_check(const std::string& file) {
  auto now = scheduler::system_now();
  auto config = load_or_report(file, config::LoadOptions{now});
  if (!config) return 1;
  std::size_t tasks = 0;
  for (const auto& plan : config->plans)
    tasks += plan.tasks.size();
  warn_missing_decisions(*config, now);
  // Every warning is out before the summary starts, and the summary ends its last line:
  // with stdout and stderr in one log, no warning runs into it.
  std::cerr << std::flush;
  auto agenda = schedule::agenda_at(*config, now, std::chrono::seconds{0});
  // The occurrences that have begun have their reminders in `upcoming`; the others are
  // pending, and the first of them holds the next reminder when `upcoming` has none earlier.
  std::set<std::pair<const config::Task*, std::string>> begun;
  for (const auto& r : agenda.upcoming)
    begun.emplace(r.task, r.occurrence);
  std::optional<schedule::Reminder> next;
  if (!agenda.upcoming.empty()) next = agenda.upcoming.front();
  if (!agenda.later.empty() && (!next || agenda.later.front().at < next->at)) {
    auto first = schedule::reminders_of(*config, agenda.later.front());
    if (!first.empty()) next = first.front();
  }
  std::cout << file << ": cấu hình hợp lệ\n"
            << "  đơn vị: " << config->units.size() << "\n"
            << "  kế hoạch: " << config->plans.size() << "\n"
            << "  nhiệm vụ: " << tasks << "\n"
            << "  hạn sắp tới: " << begun.size() + agenda.later.size() << "\n";
  std::size_t people = 0;
  for (const auto& [id, unit] : config->units)
    people += unit.people.size();
  if (people > 0) std::cout << "  người nhận đích danh: " << people << "\n";
  if (config->service.texts && !config->service.texts->overridden_files().empty()) {
    std::cout << "  mẫu thư của Văn phòng (" << config->service.templates.string()
              << "): " << message::join_list(config->service.texts->overridden_files()) << "\n";
  }
  if (!next) {
    std::cout << "  lần nhắc tiếp theo: không có\n";
  } else {
    const auto* zone = config->service.zone;
    std::cout << "  lần nhắc tiếp theo: " << message::vn_time(zone, next->at) << " ngày "
              << message::vn_date(zone, next->at) << ", " << next->plan->id << "/" << next->task->id
              << " (" << message::stage_label(*next) << "), gửi " << next->addressee().name << " ("
              << next->addressee().id << ")\n";
  }
  std::cout << std::flush;
  return 0;
}

int do_holidays(const std::string& file, bool config_given, int year, const std::string& format) {
  std::vector<calendar::SpecialDay> days;
  if (config_given) {
    auto config = load_or_report(file);
    if (!config) return 1;
    days = config->calendar->special_days(year);
  } else {
    days = calendar::vietnam_holidays(year, config::ServiceConfig{}.workdays);
  }
  if (year < calendar::k_first_holiday_year) {
    std::cerr << "Ghi chú: năm " << year
              << " trước ngày Bộ luật Lao động 1994 có hiệu lực (01/01/1995); deadlined không "
                 "áp dụng quy định nghỉ lễ nào trước đó, nên năm này không có ngày nghỉ lễ, "
                 "Tết nào.\n";
  }
  if (format == "json") {
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    for (const auto& d : days) {
      nlohmann::ordered_json item = {{"date", date::format("%F", d.date)},
                                     {"name", d.name},
                                     {"kind", calendar::to_string(d.kind)},
                                     {"source", d.source}};
      if (!d.lunar.empty()) item["lunar"] = d.lunar;
      json.push_back(std::move(item));
    }
    std::cout << json.dump(2) << '\n';
  } else {
    for (const auto& d : days) {
      std::cout << message::vn_date(d.date) << "  " << d.name << "  ["
                << calendar::to_string(d.kind) << "; " << d.source << "]\n";
    }
  }
  return 0;
}

int do_send_test(const std::string& file, const std::string& unit_id) {
  auto config = load_or_report(file);
  if (!config) return 1;
  const config::Unit* unit = config->find_unit(unit_id);
  if (!unit) {
    std::cerr << "Lỗi: không có đơn vị '" << unit_id << "'\n";
    return 1;
  }
  app::Runtime runtime;
  // A provider that rotates its tokens (zalo-zns) keeps them in the journal, so that a test
  // spends no refresh token the daemon would need.
  std::unique_ptr<app::JournalTokenStore> tokens;
  if (std::any_of(config->webhooks.begin(), config->webhooks.end(),
                  [](const auto& w) { return w.second.preset == "zalo-zns"; })) {
    tokens = std::make_unique<app::JournalTokenStore>(config->service.state_dir / "journal.sqlite");
  }
  delivery::ChannelSet channels(*config, runtime.abort(), runtime.transfer_loop(), tokens.get());
  auto messages = message::test_outbound(*config, *unit, scheduler::system_now());
  if (messages.empty()) {
    std::cerr << "Lỗi: đơn vị '" << unit_id << "' không có địa chỉ email và webhook nào\n";
    return 1;
  }
  bool all_ok = true;
  for (const auto& m : messages) {
    delivery::Channel* channel = channels.find(m.channel);
    if (!channel) {
      std::cout << m.channel << ": KHÔNG GỬI ĐƯỢC (kênh chưa được cấu hình)\n";
      all_ok = false;
      continue;
    }
    for (const auto& group : delivery::recipient_groups(*channel, m.to)) {
      delivery::Outcome outcome = channel->send({m.id, group, m.content});
      bool ok = outcome.kind == delivery::Outcome::Kind::delivered;
      all_ok = all_ok && ok;
      std::cout << m.channel << " → " << message::join_list(group.empty() ? m.to : group) << ": "
                << (ok ? "ĐÃ GỬI" : "KHÔNG GỬI ĐƯỢC") << " (" << delivery::to_string(outcome.kind)
                << ": " << outcome.detail << ")\n";
    }
  }
  return all_ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"deadlined: reminds units of the deadlines in their plans (Kế hoạch)"};
  app.require_subcommand(1);
  std::string config_file = default_config();
  std::string log_level = "info";

  auto* run = app.add_subcommand("run", "Run the daemon in the foreground");
  run->add_option("-c,--config", config_file, "Main configuration file")->capture_default_str();
  run->add_option("--log-level", log_level, "trace, debug, info, warn or error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));

  auto* check = app.add_subcommand("check", "Validate the configuration and summarise it");
  check->add_option("-c,--config", config_file, "Main configuration file")->capture_default_str();

  std::string from, to, format = "text";
  auto* preview = app.add_subcommand("preview", "List the messages due in a time window");
  preview->add_option("-c,--config", config_file, "Main configuration file")->capture_default_str();
  preview->add_option("--from", from, "Start: YYYY-MM-DD or ISO 8601 date-time")->required();
  preview->add_option("--to", to, "End (a date includes the whole day)")->required();
  preview->add_option("--format", format, "text or json")->check(CLI::IsMember({"text", "json"}));

  std::string unit;
  auto* send_test =
      app.add_subcommand("send-test", "Send a test message through every channel of a unit");
  send_test->add_option("-c,--config", config_file, "Main configuration file")
      ->capture_default_str();
  send_test->add_option("--unit", unit, "Unit id")->required();

  int year = 0;
  std::string holidays_format = "text";
  auto* holidays = app.add_subcommand(
      "holidays", "List the public holidays and compensatory days of a year (Vietnamese law)");
  auto* holidays_config =
      holidays->add_option("-c,--config", config_file, "Main configuration file (for workdays)");
  // The lunar calendar is checked for 1900-2100; holidays begin with the Labor Code of 1994.
  holidays->add_option("--year", year, "Solar year, 1900-2100 (holidays from 1995)")
      ->required()
      ->check(CLI::Range(1900, calendar::k_last_holiday_year));
  holidays->add_option("--format", holidays_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));

  AckArgs ack_args;
  auto add_target = [&](CLI::App* command) {
    command->add_option("-c,--config", config_file, "Main configuration file")
        ->capture_default_str();
    command->add_option("--plan", ack_args.plan, "Plan id")->required();
    command->add_option("--task", ack_args.task, "Task id")->required();
    command
        ->add_option("--occurrence", ack_args.occurrence,
                     "Due day YYYYMMDD of a one-off task, or the period (2026-08, 2026-Q3)")
        ->required();
    command->add_option("--unit", ack_args.unit, "Unit id")->required();
    command->add_option("--note", ack_args.note, "Kept in the audit trail");
  };
  auto* ack = app.add_subcommand("ack", "Record that a unit has done a task (no more reminders)");
  add_target(ack);
  auto* reopen = app.add_subcommand("reopen", "Undo a confirmation: the unit is reminded again");
  add_target(reopen);
  ExtendArgs extend_args;
  auto* extend = app.add_subcommand(
      "extend", "Grant a unit more time (gia hạn), or refuse its request; the unit is told");
  add_target(extend);
  auto* until =
      extend->add_option("--until", extend_args.until, "The new deadline's day, YYYY-MM-DD");
  auto* refuse =
      extend->add_flag("--refuse", extend_args.refuse, "Refuse the unit's request instead");
  until->excludes(refuse);
  extend->callback([&] {
    if (until->count() == 0 && refuse->count() == 0)
      throw CLI::RequiredError("--until DATE (or --refuse)");
  });

  HistoryArgs history_args;
  auto* history = app.add_subcommand("history", "List every message sent and every attempt");
  history->add_option("-c,--config", config_file, "Main configuration file")->capture_default_str();
  history->add_option("--plan", history_args.plan, "Plan id");
  history->add_option("--task", history_args.task, "Task id");
  history->add_option("--unit", history_args.unit, "Unit id");
  history->add_option("--from", history_args.from, "Start: YYYY-MM-DD or ISO 8601 date-time");
  history->add_option("--to", history_args.to, "End (a date includes the whole day)");
  history->add_option("--format", history_args.format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}));
  ReportArgs report_args;
  auto* report = add_report_command(app, config_file, report_args);

  CLI11_PARSE(app, argc, argv);

  setup_logging(log_level);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int rc = 1;
  try {
    if (run->parsed())
      rc = app::run_daemon(config_file);
    else if (check->parsed())
      rc = do_check(config_file);
    else if (preview->parsed())
      rc = [&] {
        auto config = load_or_report(config_file);
        return config ? do_preview(*config, from, to, format) : 1;
      }();
    else if (send_test->parsed())
      rc = do_send_test(config_file, unit);
    else if (ack->parsed() || reopen->parsed())
      rc = do_ack(config_file, ack_args, ack->parsed());
    else if (extend->parsed())
      rc = do_extend(config_file, ack_args, extend_args);
    else if (history->parsed())
      rc = do_history(config_file, history_args);
    else if (report->parsed())
      rc = do_report(config_file, report_args);
    else if (holidays->parsed())
      rc = do_holidays(config_file, holidays_config->count() > 0, year, holidays_format);
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
  }
  curl_global_cleanup();
  return rc;
}

}  // namespace deadlined::cli
