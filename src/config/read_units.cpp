#include "config/readers.hpp"

namespace deadlined::config::detail {

std::map<std::string, UnitSection> read_units(TableReader& top) {
  std::map<std::string, UnitSection> units;
  const toml::node* node = top.node("units", true);
  if (!node) return units;
  const toml::table* table = node->as_table();
  if (!table) {
    top.wrong_type(*node, "units", "a table");
    return units;
  }
  Reporter& reporter = top.reporter();
  for (auto&& [key, value] : *table) {
    std::string id(key.str());
    std::string context = "[units." + id + "]";
    if (!valid_id(id)) {
      reporter.error(key.source(),
                     "invalid unit id '" + id + "': use letters, digits, '-' and '_'");
      continue;
    }
    const toml::table* t = value.as_table();
    if (!t) {
      reporter.error(value.source(), context + " must be a table");
      continue;
    }
    UnitSection unit;
    unit.values.id = id;
    unit.values.where = reporter.pos(t->source());
    TableReader r(*t, context, reporter);
    if (auto name = r.string("name", true)) unit.values.name = *name;
    if (auto emails = r.strings("email")) {
      for (auto& [address, where] : *emails) {
        if (!valid_email(address)) {
          reporter.error(where, "invalid email address '" + address + "' in " + context);
        } else if (!is_ascii(address)) {
          reporter.error(where, "email address '" + address + "' in " + context +
                                    std::string(k_non_ascii_address));
        } else {
          unit.values.emails.push_back(address);
        }
      }
    }
    if (auto hooks = r.strings("webhooks")) {
      for (auto& [name, where] : *hooks)
        unit.webhooks.push_back({std::move(name), std::move(where)});
    }
    r.finish();
    if (!t->contains("email") && !t->contains("webhooks")) {
      reporter.warning(unit.values.where,
                       "unit '" + id + "' has no email and no webhook; it cannot be reminded");
    }
    units.emplace(id, std::move(unit));
  }
  return units;
}

}  // namespace deadlined::config::detail
