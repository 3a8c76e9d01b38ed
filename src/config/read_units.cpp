#include "config/phone.hpp"
#include "config/readers.hpp"

namespace deadlined::config::detail {
namespace {

/// `key` as one string or an array of strings, each with where it is written.
std::vector<std::pair<std::string, SourcePos>> one_or_many(TableReader& r, std::string_view key) {
  const toml::node* n = r.node(key);
  if (!n) return {};
  if (auto v = n->value_exact<std::string>()) return {{*v, r.reporter().pos(n->source())}};
  if (n->is_array())
    return r.strings(key).value_or(std::vector<std::pair<std::string, SourcePos>>{});
  r.wrong_type(*n, key, "chuỗi hoặc mảng chuỗi");
  return {};
}

std::vector<std::string> emails_of(Reporter& reporter, const std::string& context,
                                   std::vector<std::pair<std::string, SourcePos>> written) {
  std::vector<std::string> out;
  for (auto& [address, where] : written) {
    if (!valid_email(address)) {
      reporter.error(where, "địa chỉ email '" + address + "' trong " + context + " không hợp lệ");
    } else if (!is_ascii(address)) {
      reporter.error(where, "địa chỉ email '" + address + "' trong " + context +
                                std::string(k_non_ascii_address));
    } else {
      out.push_back(std::move(address));
    }
  }
  return out;
}

std::vector<std::string> phones_of(Reporter& reporter, const std::string& context,
                                   std::vector<std::pair<std::string, SourcePos>> written) {
  std::vector<std::string> out;
  for (auto& [number, where] : written) {
    std::string why;
    if (auto normal = normalize_phone(number, &why)) {
      out.push_back(std::move(*normal));
    } else {
      reporter.error(where, why + " (trong " + context + ")");
    }
  }
  return out;
}

/// `people = [{ name, title, email, phone, channels }]` of the unit `id`.
void read_people(TableReader& r, const std::string& id, UnitSection& unit) {
  const toml::node* n = r.node("people");
  if (!n) return;
  const toml::array* array = n->as_array();
  Reporter& reporter = r.reporter();
  if (!array) {
    r.wrong_type(*n, "people", "mảng bảng, ví dụ [{ name = \"Nguyễn Văn An\", email = \"…\" }]");
    return;
  }
  for (const toml::node& element : *array) {
    const toml::table* t = element.as_table();
    if (!t) {
      reporter.error(element.source(), "mỗi phần tử của 'people' trong [units." + id +
                                           "] phải là bảng { name = \"…\", email = \"…\" }");
      continue;
    }
    Person person;
    person.where = reporter.pos(t->source());
    std::string context = "người nhận thứ " + std::to_string(unit.values.people.size() + 1) +
                          " của [units." + id + "]";
    TableReader p(*t, context, reporter);
    if (auto name = p.string("name", true)) person.name = *name;
    if (auto title = p.string("title")) person.title = *title;
    person.emails = emails_of(reporter, context, one_or_many(p, "email"));
    person.phones = phones_of(reporter, context, one_or_many(p, "phone"));
    std::optional<std::vector<Written>> channels;
    if (auto written = p.strings("channels")) {
      channels.emplace();
      for (auto& [name, where] : *written)
        channels->push_back({std::move(name), std::move(where)});
    }
    p.finish();
    if (person.name.empty() && t->contains("name")) {
      reporter.error(person.where, "'name' của " + context + " không được để trống");
    }
    for (const Person& other : unit.values.people) {
      if (!person.name.empty() && other.name == person.name) {
        reporter.error(person.where, "người nhận '" + person.name + "' của [units." + id +
                                         "] bị trùng (đã khai báo tại " + other.where.file + ":" +
                                         std::to_string(other.where.line) + ":" +
                                         std::to_string(other.where.column) + ")");
      }
    }
    unit.values.people.push_back(std::move(person));
    unit.person_channels.push_back(std::move(channels));
  }
}

}  // namespace

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
    if (auto emails = r.strings("email"))
      unit.values.emails = emails_of(reporter, context, std::move(*emails));
    if (auto phones = r.strings("phone"))
      unit.values.phones = phones_of(reporter, context, std::move(*phones));
    if (auto hooks = r.strings("webhooks")) {
      for (auto& [name, where] : *hooks)
        unit.webhooks.push_back({std::move(name), std::move(where)});
    }
    read_people(r, id, unit);
    r.finish();
    if (!t->contains("email") && !t->contains("webhooks") && unit.values.people.empty()) {
      reporter.warning(
          unit.values.where,
          "đơn vị '" + id + "' không có email và webhook nào nên không thể nhận nhắc việc");
    }
    units.emplace(id, std::move(unit));
  }
  return units;
}

}  // namespace deadlined::config::detail
