#include "config/phone.hpp"
#include "config/readers.hpp"

namespace deadlined::config::detail {

std::map<std::string, UnitSection> read_units(TableReader& top) {
  std::map<std::string, UnitSection> units;
  const toml::node* node = top.node("units", true);
  if (!node) return units;
  const toml::table* table = node->as_table();
  if (!table) {
    top.wrong_type(*node, "units", "bảng");
    return units;
  }
  Reporter& reporter = top.reporter();
  for (auto&& [key, value] : *table) {
    std::string id(key.str());
    std::string context = "[units." + id + "]";
    if (!valid_id(id)) {
      std::string fix = id_from(id);
      reporter.error(key.source(), "mã đơn vị '" + id +
                                       "' không hợp lệ: mã chỉ gồm chữ cái không dấu, chữ số, "
                                       "'-' và '_'" +
                                       (valid_id(fix) ? "; viết '" + fix + "'" : std::string()));
      continue;
    }
    const toml::table* t = value.as_table();
    if (!t) {
      reporter.error(value.source(), context + " phải là bảng");
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
          reporter.error(where,
                         "địa chỉ email '" + address + "' trong " + context + " không hợp lệ");
        } else if (!is_ascii(address)) {
          reporter.error(where, "địa chỉ email '" + address + "' trong " + context +
                                    std::string(k_non_ascii_address));
        } else {
          unit.values.emails.push_back(address);
        }
      }
    }
    if (auto phones = r.strings("phone")) {
      for (auto& [written, where] : *phones) {
        std::string why;
        if (auto number = normalize_phone(written, &why)) {
          unit.values.phones.push_back(std::move(*number));
        } else {
          reporter.error(where, why + " (trong " + context + ")");
        }
      }
    }
    if (auto hooks = r.strings("webhooks")) {
      for (auto& [name, where] : *hooks)
        unit.webhooks.push_back({std::move(name), std::move(where)});
    }
    r.finish();
    if (!t->contains("email") && !t->contains("webhooks")) {
      reporter.warning(
          unit.values.where,
          "đơn vị '" + id + "' không có email và webhook nào nên không thể nhận nhắc việc");
    }
    units.emplace(id, std::move(unit));
  }
  return units;
}

}  // namespace deadlined::config::detail
