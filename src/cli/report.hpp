#pragma once

#include <string>

namespace CLI {
class App;
}

namespace deadlined::cli {

/// What `deadlined report` is asked for.
struct ReportArgs {
  std::string from;  ///< YYYY-MM-DD, the first day of the window
  std::string to;    ///< YYYY-MM-DD, its last day (included)
  std::string plan;  ///< empty: every plan
  std::string format = "text";
  std::string output;  ///< empty: standard output
};

/// Adds the `report` subcommand and its options to `app`.
CLI::App* add_report_command(CLI::App& app, std::string& config_file, ReportArgs& args);

/// `deadlined report`: the on-time statistics of the assignments due from FROM to TO, by
/// unit, by plan and in total, confirmations read from the journal (read-only), as text,
/// CSV, XLSX or JSON, to standard output or --output. Returns the process exit code.
int do_report(const std::string& config_file, const ReportArgs& args);

}  // namespace deadlined::cli
