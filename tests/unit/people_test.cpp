// Named officers of a unit (`people = [{ name, title, email, phone, channels }]`): read and
// checked at file:line:col, reached at their own addresses, addressed by name, and never
// copying the Office.
#include <catch2/catch.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "config/loader.hpp"
#include "ids/ids.hpp"
#include "message/bundle.hpp"
#include "message/outbound.hpp"
#include "message/variables.hpp"
#include "schedule/schedule.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;

namespace {

const std::string k_plan =
    "[plan]\nid = \"p\"\nnumber = \"125/KH-STNMT\"\ndate = 2026-11-20\n"
    "title = \"Thực hiện chuyển đổi số năm 2026\"\n\n"
    "[[task]]\nid = \"t\"\ntitle = \"Báo cáo kết quả chuyển đổi số\"\nresponsible = [\"a\"]\n"
    "due = 2026-12-08\nleads = [\"7d\"]\n\n"
    "[[task]]\nid = \"u\"\ntitle = \"Rà soát dữ liệu\"\nresponsible = [\"a\"]\n"
    "due = 2026-12-08\nleads = [\"7d\"]\n";

const std::string k_sms =
    "[webhooks.sms]\npreset = \"esms\"\nurl = \"http://127.0.0.1:9/esms\"\n"
    "api_key_file = \"key\"\nsecret_key_file = \"key\"\nbrandname = \"STNMT\"\n";

struct Loaded {
  test::TempDir dir;
  config::LoadResult result;
  std::string main;
  /// "main.toml:N:" of the line that holds `needle`.
  std::string at(const std::string& needle) const {
    auto pos = main.find(needle);
    REQUIRE(pos != std::string::npos);
    return "main.toml:" +
           std::to_string(1 +
                          std::count(main.begin(), main.begin() + static_cast<long>(pos), '\n')) +
           ":";
  }
  std::vector<std::string> errors() const {
    std::vector<std::string> out;
    for (const auto& d : result.diagnostics)
      out.push_back(d.to_string());
    return out;
  }
};

std::unique_ptr<Loaded> load(const std::string& units, const std::string& extra = "") {
  auto out = std::make_unique<Loaded>();
  out->dir.write("plans/p.toml", k_plan);
  out->dir.write("key", "k-0123456789\n");
  out->dir.write("whsec", "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n");
  out->main =
      "[service]\nplans = [\"plans/*.toml\"]\nmonitor = \"vp\"\nmonitor_cc = \"all\"\n\n"
      "[email]\ntransport = \"maildir\"\nfrom = \"Văn phòng <vp@example.org>\"\n" +
      extra + "\n[units.vp]\nname = \"Văn phòng Sở\"\nemail = [\"vp@example.org\"]\n" + units;
  out->result = config::load_config(out->dir.write("main.toml", out->main));
  return out;
}

const config::Config& config_of(const Loaded& l) {
  for (const auto& d : l.result.diagnostics)
    UNSCOPED_INFO(d.to_string());
  REQUIRE(l.result.config);
  return *l.result.config;
}

config::SysSeconds local(int y, int m, int d, int hour) {
  date::year_month_day day{date::year{y}, date::month{static_cast<unsigned>(m)},
                           date::day{static_cast<unsigned>(d)}};
  return date::sys_days{day} + std::chrono::hours{hour - 7};
}

std::vector<schedule::Reminder> reminders(const config::Config& c) {
  return schedule::reminders_between(c, local(2026, 11, 30, 0), local(2026, 12, 9, 0));
}

bool any_error(const std::vector<std::string>& errors, const std::string& at,
               const std::string& words) {
  return std::any_of(errors.begin(), errors.end(), [&](const std::string& e) {
    return e.find(at) != std::string::npos && e.find(words) != std::string::npos &&
           e.find("error:") != std::string::npos;
  });
}

}  // namespace

TEST_CASE("people are read with one address or several, their phones as 84…", "[people]") {
  auto l = load(
      "[units.a]\nname = \"Phòng A\"\nemail = [\"a@example.org\"]\nwebhooks = [\"sms\"]\n"
      "phone = [\"0912 345 678\"]\npeople = [\n"
      "  { name = \"Nguyễn Văn An\", title = \"Trưởng phòng A\", email = \"an@example.org\", "
      "phone = \"091.234.5670\" },\n"
      "  { name = \"Trần Thị Bình\", email = [\"binh@example.org\", \"b2@example.org\"] },\n"
      "  { name = \"Lê Văn Cường\", phone = [\"0987 654 321\"], channels = [\"sms\"] },\n"
      "]\n",
      k_sms);
  const auto& c = config_of(*l);
  const auto& people = c.units.at("a").people;
  REQUIRE(people.size() == 3);
  CHECK(people[0].title == "Trưởng phòng A");
  CHECK(people[0].emails == std::vector<std::string>{"an@example.org"});
  CHECK(people[0].phones == std::vector<std::string>{"84912345670"});
  // By default: email with an address, and the unit's webhooks sent by phone with a number.
  CHECK(people[0].channels == std::vector<std::string>{"email", "sms"});
  CHECK(people[1].channels == std::vector<std::string>{"email"});
  CHECK(people[1].emails.size() == 2);
  CHECK(people[2].channels == std::vector<std::string>{"sms"});
  CHECK(c.units.at("a").find_person("Trần Thị Bình") == &people[1]);
  CHECK_FALSE(c.units.at("a").find_person("Không Có"));
}

TEST_CASE(
    "check refuses a person's unknown channel, a phone channel without a number and a "
    "bad number, where they are written",
    "[people]") {
  auto l = load(
      "[units.a]\nname = \"Phòng A\"\nemail = [\"a@example.org\"]\npeople = [\n"
      "  { name = \"An\", email = \"an@example.org\", channels = [\"e-mail\"] },\n"
      "  { name = \"Bình\", email = \"binh@example.org\", channels = [\"sms\"] },\n"
      "  { name = \"Cường\", phone = \"0212 345 678\" },\n"
      "  { name = \"Dung\" },\n"
      "  { name = \"An\", email = \"an2@example.org\" },\n"
      "  { title = \"Chuyên viên\", email = \"x@example.org\" },\n"
      "  { name = \"Giang\", phone = \"0903 111 222\" },\n"
      "  { name = \"Hà\", email = \"ha@example.org\", channels = [] },\n"
      "]\n",
      k_sms);
  auto errors = l->errors();
  INFO(Catch::Detail::stringify(errors));
  CHECK_FALSE(l->result.config);
  CHECK(any_error(errors, l->at("e-mail"), "kênh 'e-mail'"));
  CHECK(any_error(errors, l->at("e-mail"), "có phải là 'email'?"));
  CHECK(any_error(errors, l->at("binh@"), "webhook 'sms' gửi tin tới số điện thoại"));
  CHECK(any_error(errors, l->at("0212"), "0212 345 678"));
  CHECK(any_error(errors, l->at("Dung"), "người nhận 'Dung' của [units.a] chưa có email"));
  CHECK(any_error(errors, l->at("an2@"), "người nhận 'An' của [units.a] bị trùng"));
  CHECK(any_error(errors, l->at("Chuyên viên"), "thiếu khóa bắt buộc 'name'"));
  // Only a number, and no webhook of the unit sends by phone: nothing would reach Giang.
  CHECK(any_error(errors, l->at("Giang"), "không có webhook nào gửi tin tới số điện thoại"));
  CHECK(any_error(errors, l->at("Hà"), "'channels' của người nhận 'Hà' của [units.a] không được"));
}

TEST_CASE(
    "a person gets the unit's reminder by name at their own addresses, and the Office "
    "one copy only",
    "[people]") {
  auto l = load(
      "[units.a]\nname = \"Phòng A\"\nemail = [\"a@example.org\"]\nwebhooks = [\"sms\"]\n"
      "phone = [\"0912 345 678\"]\npeople = [\n"
      "  { name = \"Nguyễn Văn An\", title = \"Trưởng phòng A\", email = \"an@example.org\", "
      "phone = \"0912 345 678\" },\n"
      "  { name = \"Trần Thị Bình\", email = [\"binh@example.org\", \"a@example.org\"] },\n"
      "]\n",
      k_sms);
  const auto& c = config_of(*l);
  auto all = reminders(c);
  REQUIRE(all.size() == 2);
  const schedule::Reminder& r = all[0];
  auto out = message::outbound_for(c, r, r.at, true);
  std::vector<std::string> seen;
  std::size_t office_copies = 0;
  for (const auto& m : out) {
    seen.push_back(m.channel + " " + message::join_list(m.to) + " [" + m.person + "]");
    office_copies +=
        static_cast<std::size_t>(std::count(m.cc.begin(), m.cc.end(), "vp@example.org"));
    if (!m.person.empty()) CHECK(m.cc.empty());
  }
  // The unit's email (the Office in Cc) and SMS; An's email (An's number is the unit's: the
  // unit's SMS reaches it already); Bình's own address (a@ is the unit's).
  CHECK(seen == std::vector<std::string>{"email a@example.org []", "webhook:sms 84912345678 []",
                                         "email an@example.org [Nguyễn Văn An]",
                                         "email binh@example.org [Trần Thị Bình]"});
  CHECK(office_copies == 1);

  auto text_of_mail = [&](const message::Outbound& m) {
    auto v = message::variables_of(c, r, r.at, m.person);
    return v["text"];
  };
  CHECK(text_of_mail(out[2]).rfind(
            "Kính gửi: Đồng chí Nguyễn Văn An, Trưởng phòng A\n\nThực hiện Kế hoạch số "
            "125/KH-STNMT",
            0) == 0);
  // Without a title, the unit names the person's place.
  CHECK(text_of_mail(out[3]).rfind("Kính gửi: Đồng chí Trần Thị Bình, Phòng A\n\n", 0) == 0);
  // The unit's own message is the unit's.
  CHECK(text_of_mail(out[0]).rfind("Kính gửi: Phòng A\n\n", 0) == 0);
  // The Office's copy is noted on the unit's letter only (monitor_cc = "all").
  CHECK(text_of_mail(out[0]).find("Đồng gửi: Văn phòng Sở") != std::string::npos);
  CHECK(text_of_mail(out[2]).find("Đồng gửi") == std::string::npos);
  // The rendered email is the person's, with no copy to the Office.
  CHECK(out[2].content.find("\r\nCc:") == std::string::npos);
  CHECK(out[0].content.find("\r\nCc: vp@example.org\r\n") != std::string::npos);
  auto v = message::variables_of(c, r, r.at, "Nguyễn Văn An");
  CHECK(v["person_name"] == "Nguyễn Văn An");
  CHECK(v["person_title"] == "Trưởng phòng A");
  CHECK(v["short_text"].rfind("Kính gửi đồng chí Nguyễn Văn An: Văn phòng Sở đề nghị Phòng A", 0) ==
        0);

  // A bundle to a person is addressed to them too.
  std::vector<const schedule::Reminder*> members{&all[0], &all[1]};
  CHECK(message::bundle_text(c, members, r.at, "Nguyễn Văn An")
            .rfind("Kính gửi: Đồng chí Nguyễn Văn An, Trưởng phòng A\n\nVăn phòng Sở nhắc Phòng A "
                   "2 nhiệm vụ sau:\n\n1. ",
                   0) == 0);
}

TEST_CASE("a person's webhook by phone goes to their number, one delivery per number", "[people]") {
  auto l = load(
      "[units.a]\nname = \"Phòng A\"\nemail = [\"a@example.org\"]\npeople = [\n"
      "  { name = \"Lê Văn Cường\", phone = [\"0987 654 321\", \"0912 000 111\"], "
      "channels = [\"sms\"] },\n]\n",
      k_sms);
  const auto& c = config_of(*l);
  auto all = reminders(c);
  REQUIRE_FALSE(all.empty());
  auto out = message::outbound_for(c, all[0], all[0].at, false);
  REQUIRE(out.size() == 2);
  CHECK(out[1].channel == "webhook:sms");
  CHECK(out[1].person == "Lê Văn Cường");
  CHECK(out[1].to == std::vector<std::string>{"84987654321", "84912000111"});
}

TEST_CASE("a person's webhook JSON carries their letter and an id of its own", "[people]") {
  auto l = load(
      "[units.a]\nname = \"Phòng A\"\nemail = [\"a@example.org\"]\nwebhooks = [\"chat\"]\n"
      "people = [\n  { name = \"Lê Văn Cường\", channels = [\"own\"] },\n]\n",
      "[webhooks.chat]\nurl = \"http://127.0.0.1:9/room\"\nsecret_file = \"whsec\"\n"
      "[webhooks.own]\nurl = \"http://127.0.0.1:9/cuong\"\nsecret_file = \"whsec\"\n");
  const auto& c = config_of(*l);
  auto all = reminders(c);
  REQUIRE_FALSE(all.empty());
  auto out = message::outbound_for(c, all[0], all[0].at, true);
  REQUIRE(out.size() == 3);  // the unit's email and room, Cường's own webhook
  const auto& unit_room = out[1];
  const auto& own = out[2];
  REQUIRE(own.person == "Lê Văn Cường");
  auto unit_json = nlohmann::json::parse(unit_room.content);
  auto own_json = nlohmann::json::parse(own.content);
  CHECK(own_json["person_name"] == "Lê Văn Cường");
  CHECK(own_json["text"].get<std::string>().rfind("Kính gửi: Đồng chí Lê Văn Cường, Phòng A\n",
                                                  0) == 0);
  CHECK(unit_json["text"].get<std::string>().rfind("Kính gửi: Phòng A\n", 0) == 0);
  CHECK_FALSE(unit_json.contains("person_name"));
  CHECK(own_json["key"] == unit_json["key"]);
  CHECK(own_json["id"] != unit_json["id"]);
  CHECK(own_json["id"] == ids::webhook_id(own.id));
}
