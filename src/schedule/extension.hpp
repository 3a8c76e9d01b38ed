#pragma once

// Extensions (gia hạn) of units' parts: the deadline in force of one unit in one occurrence,
// moved by the Office's approval; the requests waiting for a decision; and the decisions the
// units are told of. Built from the audit trail (the caller reads it from the journal), in
// the order it was written. Pure and immutable once built.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "config/config.hpp"
#include "ids/ids.hpp"

namespace deadlined::schedule {

using config::SysSeconds;

/// One entry of the trail, as the journal holds it.
struct ExtensionEvent {
  enum class Action { request, approve, refuse };
  std::int64_t id = 0;  ///< later entries have greater ids
  ids::AssignmentId target;
  Action action = Action::request;
  std::string until;  ///< YYYY-MM-DD; empty for a refusal
  std::string note;
  SysSeconds at{};
  std::string actor;
};

/// An extension in force.
struct Extension {
  date::local_days until{};   ///< the day granted
  SysSeconds due{};           ///< the deadline in force: day_end of `until`
  SysSeconds original_due{};  ///< the occurrence's own deadline
  SysSeconds granted{};       ///< when it was approved: its stages before it are not sent
  std::int64_t entry = 0;     ///< the approval's id in the trail
};

/// A unit's request still waiting for the Office.
struct ExtensionRequest {
  ids::AssignmentId target;
  date::local_days until{};  ///< the day asked
  std::string reason;
  SysSeconds at{};
  std::int64_t entry = 0;
};

/// The Office's decision on an extension, of which the unit is told.
struct ExtensionDecision {
  ids::AssignmentId target;
  std::int64_t entry = 0;  ///< the decision's id in the trail: its notice's key
  bool approved = false;
  std::optional<date::local_days> until;  ///< approved: the day granted
  std::optional<date::local_days> asked;  ///< the day the unit asked, if it asked
  std::string note;                       ///< the Office's note
  SysSeconds at{};
  SysSeconds original_due{};  ///< the occurrence's own deadline
};

/// A day written YYYY-MM-DD, and a real one.
std::optional<date::local_days> parse_iso_day(std::string_view text);

/// The deadline a day granted ends at: day_end of it in the service zone.
SysSeconds end_of_day(const config::Config& config, date::local_days day);

/// Why `day` cannot be the new deadline of a part whose deadline in force is `deadline`, in
/// Vietnamese: it is not after that deadline's day, or not a working day; empty when it can.
std::string extension_problem(const config::Config& config, SysSeconds deadline,
                              date::local_days day);

class Extensions {
 public:
  /// The state of the trail `events` (oldest first) in `config`: entries of assignments the
  /// config does not know, and approvals not after the occurrence's own deadline, are left
  /// out.
  Extensions(const config::Config& config, const std::vector<ExtensionEvent>& events);
  Extensions() = default;

  /// None: what a config is scheduled with before the journal is read, and in tests.
  static const Extensions& none();

  bool empty() const { return in_force_.empty() && decisions_.empty() && pending_.empty(); }
  bool any_in_force() const { return !in_force_.empty(); }
  /// The extension in force of `target`, if any.
  const Extension* find(const ids::AssignmentId& target) const;
  /// The deadline in force of `target`, whose occurrence is due at `due`.
  SysSeconds deadline(const ids::AssignmentId& target, SysSeconds due) const;
  /// The latest deadline in force of any unit of an occurrence due at `due`.
  SysSeconds latest_deadline(const std::string& plan, const std::string& task,
                             const std::string& occurrence, SysSeconds due) const;
  /// How much later than its occurrence's own deadline any deadline in force is: how far
  /// back an occurrence may be due and still be under way.
  std::chrono::seconds reach() const { return reach_; }
  /// The requests waiting for a decision, oldest first.
  const std::vector<ExtensionRequest>& pending() const { return pending_; }
  /// The request of `target` waiting for a decision, if any.
  const ExtensionRequest* pending_of(const ids::AssignmentId& target) const;
  /// Every decision, oldest first.
  const std::vector<ExtensionDecision>& decisions() const { return decisions_; }

 private:
  std::map<ids::AssignmentId, Extension> in_force_;
  std::vector<ExtensionRequest> pending_;
  std::vector<ExtensionDecision> decisions_;
  std::chrono::seconds reach_{0};
};

/// The stage text of the reminders of an extended deadline: "gh20261215-" before the stage
/// ("gh20261215-3wd", "gh20261215-overdue-1"), so that their keys differ from those of the
/// original deadline, which may have been sent.
std::string extended_stage(const Extension& extension, std::string_view stage);
/// The stage without that prefix, and the day it names; the stage itself when it has none.
struct StageParts {
  std::string_view stage;
  std::optional<date::local_days> extended_until;
};
StageParts split_stage(std::string_view stage);
/// The stage of the notice of a decision: "extension-ID".
std::string decision_stage(const ExtensionDecision& decision);

}  // namespace deadlined::schedule
