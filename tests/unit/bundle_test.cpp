// One email for a unit's reminders due at one instant ([service] bundle): its subject, its
// text (each member's body_of, whose wording is pinned in message_test, in the letter a single
// reminder has), its Message-ID.
#include <catch2/catch.hpp>

#include "codec/base64.hpp"
#include "config/lead.hpp"
#include "ids/ids.hpp"
#include "message/bundle.hpp"
#include "message/outbound.hpp"
#include "support/calendar.hpp"
#include "support/lines.hpp"

using namespace deadlined;
using std::chrono::hours;

namespace {

using Members = std::vector<const schedule::Reminder*>;

/// A single reminder's text in three: "Kính gửi: …", its body (body_of), and the rest of the
/// letter (the calendar link, the copy note, the contact, the footer), which a bundle says once.
struct Parts {
  std::string greeting, body, tail;
};
Parts parts_of(const config::Config& config, const schedule::Reminder& r, config::SysSeconds now) {
  Parts p;
  p.greeting = "Kính gửi: " + r.addressee().name + "\n\n";
  p.body = message::body_of(config, r, now) + "\n";
  std::string text = message::text_of(config, r, now);
  REQUIRE(text.substr(0, p.greeting.size() + p.body.size()) == p.greeting + p.body);
  p.tail = text.substr(p.greeting.size() + p.body.size());
  REQUIRE(p.tail.find("\n--\nThư nhắc việc gửi tự động") != std::string::npos);
  return p;
}

struct Fixture {
  config::Config config;
  config::Plan plan;
  config::Task first, second;

  Fixture() {
    config.service.zone = date::locate_zone("Asia/Ho_Chi_Minh");
    config.service.monitor = "van-phong";
    config.email.transport = config::EmailConfig::Transport::smtp;
    config.email.from_name = "Văn phòng Sở";
    config.email.from_address = "vanphong@stnmt.example";
    config::Unit office{"van-phong", "Văn phòng Sở", {"vanphong@stnmt.example"}, {}, {}, {}, {}};
    config::Unit it{"cntt", "Trung tâm Công nghệ thông tin", {"cntt@stnmt.example"}, {}, {}, {},
                    {}};
    config::Unit lead{"lanh-dao", "Lãnh đạo Sở", {"lanhdao@stnmt.example"}, {}, {}, {}, {}};
    config.units.emplace(office.id, office);
    config.units.emplace(it.id, it);
    config.units.emplace(lead.id, lead);
    plan.id = "nct-2020";
    plan.number = "12/KH-STNMT";
    plan.title = "Thực hiện Tháng hành động vì người cao tuổi Việt Nam năm 2020";
    first.id = "dang-tin";
    first.title = "Đăng tải tin bài tuyên truyền";
    second.id = "bao-cao";
    second.title = "Báo cáo kết quả thực hiện";
    test::build_calendar(config);
  }

  /// A reminder of `task` to `unit`, sent Tuesday 27/10/2020 at 08:00 (+07), due at 17:00 on
  /// `day` of October 2020.
  schedule::Reminder reminder(const config::Task& task, unsigned day,
                              const std::string& unit = "cntt") const {
    schedule::Reminder r;
    r.plan = &plan;
    r.task = &task;
    r.unit = config.find_unit(unit);
    r.stage = "3wd";
    r.at = date::sys_days{date::year{2020} / 10 / 27} + hours{1};
    r.due = date::sys_days{date::year{2020} / 10 / date::day{day}} + hours{10};
    r.occurrence = "202010" + std::to_string(day);
    return r;
  }
  /// That reminder's overdue notice, sent the same morning.
  schedule::Reminder overdue(const config::Task& task, unsigned day) const {
    schedule::Reminder r = reminder(task, day);
    r.kind = schedule::Reminder::Kind::overdue;
    r.stage = "overdue-1";
    return r;
  }
  /// Its escalation to the leadership unit.
  schedule::Reminder escalation(const config::Task& task, unsigned day) const {
    schedule::Reminder r = overdue(task, day);
    r.kind = schedule::Reminder::Kind::escalation;
    r.recipient = config.find_unit("lanh-dao");
    r.stage = "escalate-lanh-dao";
    return r;
  }
  config::SysSeconds now() const { return date::sys_days{date::year{2020} / 10 / 27} + hours{1}; }
};

std::string body_of(const std::string& email) {
  auto header_end = email.find("\r\n\r\n");
  REQUIRE(header_end != std::string::npos);
  std::string encoded;
  for (const auto& line : test::lines_of(email.substr(header_end + 4)))
    encoded += line;
  return *codec::base64_decode(encoded);
}

std::string crlf(const std::string& text) {
  std::string out;
  for (char c : text)
    out += c == '\n' ? std::string("\r\n") : std::string(1, c);
  return out;
}

}  // namespace

TEST_CASE("a bundle's id is bundle. and 32 hex digits of the SHA-256 of its sorted keys",
          "[bundle][ids]") {
  // Pinned against Python: hashlib.sha256(b"a.t.1.1d.u\nb.t.1.1d.u").hexdigest()[:32].
  CHECK(ids::bundle_id({"a.t.1.1d.u", "b.t.1.1d.u"}) == "bundle.d5a1ad759d3f22d8209ed87f1c561c88");
  CHECK(ids::bundle_id({"b.t.1.1d.u", "a.t.1.1d.u"}) == "bundle.d5a1ad759d3f22d8209ed87f1c561c88");
  CHECK(ids::bundle_id({"a.t.1.1d.u"}) != ids::bundle_id({"a.t.1.1d.u", "b.t.1.1d.u"}));
  // The SHA-256 of "abc" (FIPS 180-2, appendix B.1) begins ba7816bf8f01cfea414140de5dae2223.
  CHECK(ids::bundle_id({"abc"}) == "bundle.ba7816bf8f01cfea414140de5dae2223");
}

TEST_CASE("a bundle lists each task's body in order of deadline, with one greeting and footer",
          "[bundle][message]") {
  Fixture f;
  f.config.http.enabled = true;
  f.config.http.public_url = "https://nhacviec.example";
  f.config.http.secret.value = "0123456789abcdef0123456789abcdef";
  auto late = f.reminder(f.second, 30);  // due first, listed first though given second
  auto early = f.reminder(f.first, 31);
  const Members members{&early, &late};
  auto now = f.now();

  CHECK(message::bundle_order(members) == Members{&late, &early});
  CHECK(message::bundle_subject(f.config, members, now) ==
        "Nhắc việc: 2 nhiệm vụ đến hạn (sớm nhất: hạn 17:00 ngày 30/10/2020)");

  Parts a = parts_of(f.config, late, now);
  Parts b = parts_of(f.config, early, now);
  REQUIRE(a.tail.find("iCalendar") != std::string::npos);  // the unit's calendar link, once
  REQUIRE(a.body.find("/ack/") != std::string::npos);
  REQUIRE(b.body.find("/ack/") != std::string::npos);
  std::string expected = a.greeting +
                         "Văn phòng Sở nhắc Trung tâm Công nghệ thông tin 2 nhiệm vụ sau:\n\n" +
                         "1. " + a.body + "\n2. " + b.body + a.tail;
  CHECK(message::bundle_text(f.config, members, now) == expected);
  CHECK(a.greeting == "Kính gửi: Trung tâm Công nghệ thông tin\n\n");
  // No key or stage code reaches the reader: they are in the headers.
  CHECK(expected.find(early.key()) == std::string::npos);
  CHECK(expected.find("3wd") == std::string::npos);

  // As an email: the Message-ID of its keys, whatever their order; the text as it is.
  std::string id = ids::bundle_id({early.key(), late.key()});
  std::string mail = message::render_bundle(f.config, members, {"cntt@stnmt.example"}, {}, now);
  CHECK(mail.find("\r\nMessage-ID: <" + id + "@stnmt.example>\r\n") != std::string::npos);
  CHECK(message::bundle_message_id(Members{&late, &early}) == id);
  CHECK(mail.find("\r\nCc:") == std::string::npos);
  CHECK(body_of(mail) == crlf(expected));
}

TEST_CASE("a bundle's subject counts what is overdue and what is late, as of the send time",
          "[bundle][message]") {
  Fixture f;
  auto now = f.now();
  auto same_day_a = f.reminder(f.first, 30);
  auto same_day_b = f.reminder(f.second, 30);
  // One deadline for all: no "sớm nhất".
  CHECK(message::bundle_subject(f.config, {&same_day_a, &same_day_b}, now) ==
        "Nhắc việc: 2 nhiệm vụ đến hạn (hạn 17:00 ngày 30/10/2020)");

  auto overdue = f.overdue(f.first, 23);
  CHECK(message::bundle_subject(f.config, {&same_day_b, &overdue}, now) ==
        "[Quá hạn] Nhắc việc: 2 nhiệm vụ, trong đó 1 nhiệm vụ quá hạn (sớm nhất: hạn 17:00 ngày "
        "23/10/2020)");
  auto overdue_b = f.overdue(f.second, 26);
  overdue_b.late = true;
  CHECK(message::bundle_subject(f.config, {&overdue_b, &overdue}, now) ==
        "[Gửi muộn] [Quá hạn] Nhắc việc: 2 nhiệm vụ quá hạn (sớm nhất: hạn 17:00 ngày 23/10/2020)");
  // A reminder retried after its deadline is overdue when it goes.
  auto after = date::sys_days{date::year{2020} / 10 / 30} + hours{11};
  CHECK(message::bundle_subject(f.config, {&same_day_a, &same_day_b}, after) ==
        "[Quá hạn] Nhắc việc: 2 nhiệm vụ quá hạn (hạn 17:00 ngày 30/10/2020)");
}

TEST_CASE("a bundle notes the Office's copy once when any member copies it", "[bundle][message]") {
  Fixture f;
  f.config.service.monitor_cc = config::ServiceConfig::MonitorCc::overdue;
  auto now = f.now();
  auto reminder = f.reminder(f.second, 30);
  auto overdue = f.overdue(f.first, 23);
  Parts a = parts_of(f.config, overdue, now);
  Parts b = parts_of(f.config, reminder, now);
  REQUIRE(a.tail.find("Đồng gửi") != std::string::npos);  // the overdue notice copies the Office...
  REQUIRE(b.tail.find("Đồng gửi") == std::string::npos);  // ...the reminder does not
  CHECK(message::bundle_text(f.config, {&reminder, &overdue}, now) ==
        a.greeting + "Văn phòng Sở nhắc Trung tâm Công nghệ thông tin 2 nhiệm vụ sau:\n\n" + "1. " +
            a.body + "\n2. " + b.body + a.tail);
  std::string mail = message::render_bundle(f.config, {&reminder, &overdue}, {"cntt@stnmt.example"},
                                            message::copies_of(f.config, overdue), now);
  CHECK(mail.find("\r\nCc: vanphong@stnmt.example\r\n") != std::string::npos);
}

TEST_CASE("a bundle's closing notes the copy even when its first member makes none",
          "[bundle][message]") {
  Fixture f;
  f.config.service.monitor_cc = config::ServiceConfig::MonitorCc::overdue;
  f.config.service.contact = "Văn phòng Sở";
  auto now = f.now();
  // A reminder retried after its deadline sorts before a later overdue notice's deadline,
  // and copies nothing itself.
  auto early = f.reminder(f.second, 20);
  auto overdue = f.overdue(f.first, 23);
  Parts a = parts_of(f.config, early, now);
  Parts b = parts_of(f.config, overdue, now);
  REQUIRE(a.tail.find("\nMọi vướng mắc xin liên hệ Văn phòng Sở.\n") != std::string::npos);
  REQUIRE(a.tail.find("Đồng gửi") == std::string::npos);
  REQUIRE(b.tail.find("Đồng gửi") != std::string::npos);
  std::string text = message::bundle_text(f.config, {&early, &overdue}, now);
  CHECK(text.find("\nĐồng gửi: Văn phòng Sở (theo dõi, đôn đốc).\n") != std::string::npos);
  CHECK(text.find("Mọi vướng mắc") == text.rfind("Mọi vướng mắc"));  // once
}

TEST_CASE("escalations to the leadership are reported in one bundle", "[bundle][message]") {
  Fixture f;
  auto now = f.now();
  auto one = f.escalation(f.first, 23);
  auto two = f.escalation(f.second, 26);
  CHECK(message::bundle_subject(f.config, {&two, &one}, now) ==
        "[Quá hạn] Báo cáo 2 nhiệm vụ quá hạn chưa hoàn thành (sớm nhất: hạn 17:00 ngày "
        "23/10/2020)");
  Parts a = parts_of(f.config, one, now);
  Parts b = parts_of(f.config, two, now);
  CHECK(a.greeting == "Kính gửi: Lãnh đạo Sở\n\n");
  CHECK(message::bundle_text(f.config, {&two, &one}, now) ==
        a.greeting +
            "Văn phòng Sở kính báo cáo Lãnh đạo Sở 2 nhiệm vụ quá hạn chưa hoàn thành sau:\n\n" +
            "1. " + a.body + "\n2. " + b.body + a.tail);
}

TEST_CASE("a bundle to the Office itself, or without one, is not said to come from it",
          "[bundle][message]") {
  Fixture f;
  auto now = f.now();
  auto a = f.reminder(f.first, 30, "van-phong");
  auto b = f.reminder(f.second, 30, "van-phong");
  std::string text = message::bundle_text(f.config, {&a, &b}, now);
  CHECK(text.find("Kính gửi: Văn phòng Sở\n\nHệ thống nhắc việc xin nhắc Văn phòng Sở 2 nhiệm vụ "
                  "sau:\n\n1. ") == 0);
}
