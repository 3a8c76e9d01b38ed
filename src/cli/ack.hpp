#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "config/config.hpp"

namespace deadlined::cli {

/// What `deadlined ack` and `deadlined reopen` name: one unit's part in one occurrence.
struct AckArgs {
  std::string plan;
  std::string task;
  std::string occurrence;
  std::string unit;
  std::string note;
};

/// The occurrence id `written` on the command line names: a due day written YYYY-MM-DD is
/// the id YYYYMMDD; anything else is taken as it is (2026-08, 2026-Q3, 20261208).
std::string occurrence_id(const std::string& written);

/// Who runs the command, for the audit trail (cli:NAME).
std::string operator_name();

/// The daemon's journal in the config's state_dir; none, with the error written, when it is
/// not there (the CLI never creates one).
std::optional<std::filesystem::path> daemon_journal(const config::Config& config,
                                                    const std::string& config_file);

/// What `deadlined extend` adds: the day granted, or a refusal of the unit's request.
struct ExtendArgs {
  std::string until;
  bool refuse = false;
};

/// Records the Office's extension of a unit's part to `extend.until` (or its refusal of
/// the unit's request) in the journal's trail, after checking the assignment and the day;
/// the running daemon follows it within seconds. Returns the process exit code (extend.cpp).
int do_extend(const std::string& config_file, const AckArgs& args, const ExtendArgs& extend);

/// Records in the journal that the unit has done the task (`confirm`) or has not after all
/// (reopen), after checking that the config knows the plan, task, occurrence and unit.
/// Returns the process exit code.
int do_ack(const std::string& config_file, const AckArgs& args, bool confirm);

}  // namespace deadlined::cli
