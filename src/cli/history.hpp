#pragma once

#include <string>

namespace deadlined::cli {

/// What `deadlined history` is asked for.
struct HistoryArgs {
  std::string plan, task, unit;
  std::string from, to;  ///< WHEN (see parse_when); empty: no bound
  std::string format = "text";
};

/// Lists every attempt of every delivery the journal holds that `args` matches: time, unit,
/// channel, address, stage, key, outcome and error (text, csv or json). Returns the exit code.
int do_history(const std::string& config_file, const HistoryArgs& args);

}  // namespace deadlined::cli
