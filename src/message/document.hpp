#pragma once

#include <string>
#include <string_view>

#include "config/config.hpp"

namespace deadlined::message {

/// The type of the document a plan is, as its number writes it (Decree 30/2020/NĐ-CP,
/// Appendix III: "125/QĐ-STNMT" is a Quyết định, "12/KH-STNMT" a Kế hoạch); a number
/// with no type code ("812/STNMT-VP") is a Công văn; `[plan] kind` overrides it; with
/// neither, "Kế hoạch".
std::string document_kind(const config::Plan& plan);

/// "Kế hoạch số 12/KH-STNMT ngày 15/7/2020 về thực hiện …": the number only when it has
/// digits (a draft's "/KH-STNMT" is left out), the title in lower case after "về".
std::string plan_reference(const config::Plan& plan);

/// `text` with its first letter in lower case when it is a capitalised word ("Thực hiện"),
/// not an abbreviation ("UBND"): Vietnamese capitals (Đ, Ă, Ơ, Ư and the tone-marked
/// vowels) included.
std::string lower_first(std::string_view text);

}  // namespace deadlined::message
