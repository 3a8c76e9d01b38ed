#include "cli/ack.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "config/loader.hpp"
#include "journal/journal.hpp"
#include "message/time_format.hpp"
#include "schedule/occurrence.hpp"
#include "schedule/schedule.hpp"
#include "scheduler/scheduler.hpp"

namespace deadlined::cli {
namespace {

/// Who runs the command, for the audit trail.
std::string operator_name() {
  for (const char* variable : {"SUDO_USER", "USER", "LOGNAME"}) {
    if (const char* value = std::getenv(variable); value && *value) return value;
  }
  return "uid " + std::to_string(::getuid());
}

}  // namespace

int do_ack(const std::string& config_file, const AckArgs& args, bool confirm) {
  auto loaded = config::load_config(config_file);
  for (const auto& d : loaded.diagnostics)
    std::cerr << d.to_string() << '\n';
  if (!loaded.config) return 1;
  const config::Config& config = *loaded.config;
  auto plan = std::find_if(config.plans.begin(), config.plans.end(),
                           [&](const config::Plan& p) { return p.id == args.plan; });
  if (plan == config.plans.end()) {
    std::cerr << "error: unknown plan '" << args.plan << "'\n";
    return 1;
  }
  const config::Task* task = plan->find_task(args.task);
  if (!task) {
    std::cerr << "error: plan '" << args.plan << "' has no task '" << args.task << "'\n";
    return 1;
  }
  bool assigned = std::count(task->responsible.begin(), task->responsible.end(), args.unit) +
                      std::count(task->coordinating.begin(), task->coordinating.end(), args.unit) >
                  0;
  if (!assigned) {
    std::cerr << "error: unit '" << args.unit << "' has no part in task '" << args.task << "'\n";
    return 1;
  }
  auto calendar = schedule::calendar_of(config);
  schedule::Occurrences occurrences(config, calendar, *plan, *task);
  auto occurrence = occurrences.find(args.occurrence);
  if (!occurrence) {
    std::cerr << "error: task '" << args.task << "' has no occurrence '" << args.occurrence
              << "' (one-off tasks use the due day YYYYMMDD; recurring ones the period, such "
                 "as 2026-08, 2026-Q3, 2026-H1, 2026-9M or 2026)\n";
    return 1;
  }
  journal::Journal journal(config.service.state_dir / "journal.sqlite");
  journal::Target target{args.plan, args.task, args.occurrence, args.unit};
  if (journal.is_confirmed(target) == confirm) {
    std::cout << args.plan << "." << args.task << "." << args.occurrence << "." << args.unit
              << ": already " << (confirm ? "confirmed" : "open") << "; nothing recorded\n";
    return 0;
  }
  journal::Confirmation entry{target, confirm,  scheduler::system_now(), "cli:" + operator_name(),
                              "cli",  args.note};
  journal.record(entry);
  std::cout << args.plan << "." << args.task << "." << args.occurrence << "." << args.unit << ": "
            << (confirm ? "confirmed" : "reopened") << " (due "
            << message::iso8601(config.service.zone, occurrence->due) << ")\n";
  return 0;
}

}  // namespace deadlined::cli
