#pragma once

// The cross references of a configuration, checked in one pass once every file is read.
// Internal to config/.

#include <vector>

#include "config/diagnostic.hpp"
#include "config/parsed.hpp"

namespace deadlined::config::detail {

/// The problems `check` finds, grouped as the load lists them: each group goes after the
/// problems found in reading the same part, so that the report keeps the files' order.
struct CrossReferenceProblems {
  std::vector<Diagnostic> main;  ///< of the main file's sections
  /// One group per plan in `ParsedConfig::plans`, in that order.
  std::vector<std::vector<Diagnostic>> plans;
  std::vector<Diagnostic> escalations;  ///< `escalate_to`, wherever written, listed last
};

/// Every reference from one part of the configuration to another: unit webhooks, the
/// monitor and the digest that needs it, email addresses without [email], task units,
/// plan ids across files, `before` tasks and their cycles, and `escalate_to` units.
CrossReferenceProblems check(const ParsedConfig& parsed);

/// Warnings for the one-off deadlines of `config` already past at `now`: a date, a
/// date-time or `before`, as the schedule counts them (rules are left out). Each is at its
/// plan, `plan_where[i]` for `config.plans[i]`.
std::vector<Diagnostic> past_deadlines(const Config& config,
                                       const std::vector<SourcePos>& plan_where, SysSeconds now);

/// Warnings for the recurring plans with no edition ([[plan.edition]]) for the year of `now`
/// or the next, while some task of theirs still occurs then: their reminders of that year
/// cite no number, date or basis, as holiday decisions missing for a year are warned of.
std::vector<Diagnostic> missing_editions(const Config& config,
                                         const std::vector<SourcePos>& plan_where, SysSeconds now);

}  // namespace deadlined::config::detail
