#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace deadlined::message {

/// The type of the document a plan is, as its number writes it (Decree 30/2020/NĐ-CP,
/// Appendix III: "125/QĐ-STNMT" is a Quyết định, "12/KH-STNMT" a Kế hoạch); a number
/// with no type code ("812/STNMT-VP") is a Công văn; `[plan] kind` overrides it; with
/// neither, "Kế hoạch".
std::string document_kind(const config::Plan& plan);

/// What a message cites of a plan for one of its occurrences.
struct Citation {
  std::string kind;    ///< document_kind
  std::string number;  ///< empty when it has no digits (a draft's "/KH-STNMT")
  std::optional<config::LocalDays> date;
  bool date_month_only = false;
  std::string basis;
  std::string issuer;  ///< the plan's, else [service] organisation; may be empty
  std::string title;
};

/// The year an occurrence id belongs to: its first four digits ("20261208", "2026-q3"), or
/// 0 when it has none.
int occurrence_year(std::string_view occurrence);

/// The citation of `plan` for an occurrence of a recurring task in `year` (0 for a one-off
/// task: the plan as written). That year's `[[plan.edition]]` when there is one; else the
/// plan's own number, date and basis when they are of that year (its date's), or belong to
/// no year (an undated plan without editions); else no number, date or basis, which would
/// belong to another year.
Citation citation_of(const config::Config& config, const config::Plan& plan, int year);

/// Whether citation_of finds a number, date and basis of `year` for `plan`.
bool has_edition(const config::Plan& plan, int year);

/// The year citation_of takes for a reminder of `task`'s occurrence `occurrence`: its year
/// for a recurring task, 0 for a one-off task.
int citation_year(const config::Task& task, std::string_view occurrence);

/// "Kế hoạch số 12/KH-STNMT ngày 15/7/2020 của Sở Tài nguyên và Môi trường tỉnh Bắc Kạn
/// về thực hiện …": the number only when it has digits, "ban hành tháng 7/2020" for a
/// month-only date, the issuer when known, the title in lower case after "về".
std::string plan_reference(const Citation& citation);
std::string plan_reference(const config::Plan& plan);

/// `text` with its first letter in lower case when it is a capitalised word ("Thực hiện"),
/// not an abbreviation ("UBND"): Vietnamese capitals (Đ, Ă, Ơ, Ư and the tone-marked
/// vowels) included.
std::string lower_first(std::string_view text);

}  // namespace deadlined::message
