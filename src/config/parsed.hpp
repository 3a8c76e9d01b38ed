#pragma once

// The configuration as read, before `resolve` fills in what depends on other sections and
// `check` follows the cross references. Internal to config/.

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/diagnostic.hpp"

namespace deadlined::config::detail {

/// A string as written in a file (a unit id, a webhook name, a glob), and where.
struct Written {
  std::string text;
  SourcePos where;
};

/// The chase keys of one [service], [plan] or [[task]] table; an unset key inherits.
struct ChaseKeys {
  std::optional<bool> enabled;  ///< `overdue`
  std::optional<Seconds> delay;
  std::optional<int> every;
  std::optional<int> notices;  ///< `overdue_notices`
  std::optional<int> escalate_after;
  std::optional<int> until;
  std::optional<std::vector<Written>> escalate_to;
};

/// [service] as read. `values` holds the keys that need nothing from elsewhere; its
/// monitor, leads, chase, digest, digest_time and holiday_globs are filled by resolve.
struct ServiceSection {
  ServiceConfig values;
  std::vector<Written> plan_globs;
  std::vector<Written> holiday_globs;
  std::optional<Written> monitor;
  std::optional<std::vector<Lead>> leads;              ///< default: 7d, 3wd, 1d, 0d
  ChaseKeys chase;                                     ///< `overdue` default: [http] is configured
  std::optional<bool> digest;                          ///< default: chasing is on
  std::optional<std::chrono::minutes> digest_time;     ///< default: send_time
  std::optional<ServiceConfig::MonitorCc> monitor_cc;  ///< default: overdue with the digest
};

/// [email] as read; `values.maildir` is empty until resolve puts `maildir` under state_dir.
struct EmailSection {
  EmailConfig values;
  std::filesystem::path maildir;  ///< as written (default "outbox"); for transport maildir
};

/// One [units.ID] table as read; `values.webhooks` is empty until resolve.
struct UnitSection {
  Unit values;
  std::vector<Written> webhooks;
  /// Each person's `channels` as written (parallel to values.people); none: not written.
  std::vector<std::optional<std::vector<Written>>> person_channels;
};

/// One [[task]] as read; `values` lacks responsible, coordinating, leads and chase, which
/// resolve makes from the fields below and what the plan and the service give.
struct TaskSection {
  Task values;
  SourcePos due_where;  ///< of a "before TASK" rule, which check follows
  std::vector<Written> responsible;
  std::vector<Written> coordinating;
  std::optional<std::vector<Lead>> leads;
  ChaseKeys chase;
  bool clean = true;      ///< read without an error; only clean tasks take part in `before` chains
  bool names_id = false;  ///< its id is valid and no earlier task of the plan has it
};

/// One plan file as read; `values.tasks` is empty until resolve.
struct PlanSection {
  Plan values;
  SourcePos where;                    ///< of [plan]; the file when there is none
  std::optional<SourcePos> id_where;  ///< of a valid plan id
  std::optional<std::vector<Lead>> leads;
  ChaseKeys chase;
  std::vector<TaskSection> tasks;
};

/// What reading one plan file yields: no plan when the file cannot be read or parsed.
struct PlanFile {
  std::optional<PlanSection> plan;
  std::vector<Diagnostic> diagnostics;
};

/// Every section read: the input of check and resolve.
struct ParsedConfig {
  std::filesystem::path file;
  ServiceSection service;
  EmailSection email;
  std::map<std::string, WebhookConfig> webhooks;
  HttpConfig http;
  std::map<std::string, UnitSection> units;
  std::vector<PlanSection> plans;  ///< in the order of the files

  const UnitSection* find_unit(const std::string& id) const {
    auto it = units.find(id);
    return it == units.end() ? nullptr : &it->second;
  }
};

}  // namespace deadlined::config::detail
