#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <date/date.h>

#include "config/config.hpp"
#include "http/desk_actions.hpp"
#include "journal/store.hpp"
#include "schedule/standing.hpp"

namespace deadlined::http {

/// What the Office chose to see on its desk (the query of `/` and `/status`): a plan, a unit,
/// a state and a period of deadlines (days in the service zone, both included). Without a
/// period, the occurrences the Office follows now (schedule::open_occurrences).
struct DeskFilter {
  std::string plan;
  std::string unit;
  std::optional<schedule::State> state;
  std::optional<date::local_days> from, to;
};

/// Whether the filter keeps a task (its plan, a unit among its responsible ones).
bool keeps(const DeskFilter& filter, const config::Plan& plan, const config::Task& task);

/// The latest audit entry of each assignment, by its ids::AssignmentId text.
using LatestConfirmations = std::unordered_map<std::string, journal::Confirmation>;
LatestConfirmations index_confirmations(std::vector<journal::Confirmation> entries);

/// The filter of a query string; values it does not know are ignored (all plans, ...).
DeskFilter desk_filter(std::string_view query);

/// The desk: occurrences grouped by plan, each with its count of units done and each unit's
/// standing in words, who confirmed and the note; occurrences with a unit overdue first.
/// No internal key is shown but in a details element.
/// Each unit has the form to record its report on its behalf, or to reopen it (`forms`).
/// A unit with an extension is judged by its deadline in force (`extensions`); requests
/// waiting for a decision are listed first and decided on the unit's line.
std::string desk_html(const config::Config& config, const LatestConfirmations& latest,
                      const schedule::Extensions& extensions, const DeskFilter& filter,
                      config::SysSeconds now, const DeskForms& forms = {});

}  // namespace deadlined::http
