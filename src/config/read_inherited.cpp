#include <cstdint>
#include <set>

#include "config/readers.hpp"

namespace deadlined::config::detail {

std::optional<std::vector<Lead>> read_leads(TableReader& reader) {
  // An absent key is not asked for, so that it is never suggested for a misspelt one.
  if (!reader.table().contains("leads")) return std::nullopt;
  std::vector<Lead> leads;
  auto texts = reader.strings("leads");
  if (!texts) return leads;
  std::set<std::string> seen;
  for (const auto& [text, where] : *texts) {
    auto lead = parse_lead(text);
    if (!lead) {
      reader.reporter().error(where, "mốc nhắc '" + text +
                                         "' không hợp lệ: viết một số nguyên kèm d (ngày), wd "
                                         "(ngày làm việc), h (giờ), m (phút) hoặc s (giây), ví "
                                         "dụ \"3wd\"");
    } else if (!seen.insert(text).second) {
      reader.reporter().error(where, "mốc nhắc '" + text + "' bị trùng");
    } else {
      leads.push_back(*lead);
    }
  }
  return leads;
}

ChaseKeys read_chase(TableReader& r) {
  ChaseKeys keys;
  keys.enabled = r.boolean("overdue");
  if (const toml::node* d = r.node("overdue_delay")) {
    auto text = d->value_exact<std::string>();
    auto zero = text ? parse_duration(*text) : std::nullopt;
    if (zero && zero->count() == 0) {
      keys.delay = Seconds{0};  // "0s": at the deadline itself
    } else {
      keys.delay = r.duration("overdue_delay");
    }
  }
  auto working_days = [&](std::string_view key, bool zero_ok) -> std::optional<int> {
    const toml::node* n = r.node(key);
    if (!n) return std::nullopt;
    auto text = n->value_exact<std::string>();
    auto lead = text ? parse_lead(*text) : std::nullopt;
    if (!lead || lead->kind != Lead::Kind::working_days || (!zero_ok && lead->amount == 0) ||
        lead->amount > 366) {
      r.reporter().error(n->source(), "'" + std::string(key) + "' trong " + r.context() +
                                          " phải là số ngày làm việc, ví dụ \"" +
                                          (zero_ok ? "2wd" : "5wd") + "\"");
      return std::nullopt;
    }
    return static_cast<int>(lead->amount);
  };
  keys.every = working_days("overdue_every", true);
  keys.escalate_after = working_days("escalate_after", true);
  keys.until = working_days("overdue_until", false);
  if (const toml::node* n = r.node("overdue_notices")) {
    auto count = n->value_exact<std::int64_t>();
    if (count && *count >= 1 && *count <= 100) {
      keys.notices = static_cast<int>(*count);
    } else {
      r.reporter().error(n->source(), "'overdue_notices' trong " + r.context() +
                                          " phải là số nguyên từ 1 đến 100, ví dụ 5");
    }
  }
  if (auto units = r.strings("escalate_to")) {
    keys.escalate_to.emplace();
    for (auto& [unit, where] : *units)
      keys.escalate_to->push_back({std::move(unit), std::move(where)});
  }
  return keys;
}

}  // namespace deadlined::config::detail
