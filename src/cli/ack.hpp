#pragma once

#include <string>

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

/// Records in the journal that the unit has done the task (`confirm`) or has not after all
/// (reopen), after checking that the config knows the plan, task, occurrence and unit.
/// Returns the process exit code.
int do_ack(const std::string& config_file, const AckArgs& args, bool confirm);

}  // namespace deadlined::cli
