#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "codec/base64.hpp"
#include "config/lead.hpp"
#include "ids/ids.hpp"
#include "message/mime.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"
#include "support/calendar.hpp"
#include "support/lines.hpp"

using namespace deadlined;

namespace {

/// The journal key of a message's delivery through a channel that is not per recipient,
/// made as the scheduler makes it.
std::string journal_key_of(const message::Outbound& m) {
  return ids::DeliveryKey{*ids::ReminderKey::parse(m.id), *ids::ChannelId::parse(m.channel), {}}
      .to_string();
}

using test::lines_of;

struct Fixture {
  config::Config config;
  config::Plan plan;
  config::Task task;
  config::Lead lead = *config::parse_lead("3wd");

  Fixture() {
    config.service.zone = date::locate_zone("Asia/Ho_Chi_Minh");
    config.service.monitor = "van-phong";
    config.email.transport = config::EmailConfig::Transport::smtp;
    config.email.from_name = "Văn phòng Sở Tài nguyên và Môi trường";
    config.email.from_address = "vanphong@stnmt.example";
    config::Unit office{"van-phong", "Văn phòng Sở", {"vanphong@stnmt.example"}, {}, {}, {}, {}};
    config::Unit it{
        "cntt", "Trung tâm Công nghệ thông tin", {"cntt@stnmt.example"}, {"chat"}, {}, {}, {}};
    config.units.emplace(office.id, office);
    config.units.emplace(it.id, it);
    config::WebhookConfig hook;
    hook.name = "chat";
    hook.url = "http://127.0.0.1:9/hook";
    config.webhooks.emplace("chat", hook);
    plan.id = "nct-2020";
    plan.number = "12/KH-STNMT";
    plan.title = "Thực hiện Tháng hành động vì người cao tuổi Việt Nam năm 2020";
    plan.basis = "Kế hoạch số 354/KH-BCTNCT ngày 24/6/2020";
    task.id = "dang-tin";
    task.responsible = {"cntt"};
    task.title = "Đăng tải tin bài tuyên truyền về Tháng hành động vì người cao tuổi";
    test::build_calendar(config);
  }

  schedule::Reminder reminder(const std::string& unit) const {
    schedule::Reminder r;
    r.plan = &plan;
    r.task = &task;
    r.unit = config.find_unit(unit);
    r.stage = lead.text;
    r.at = date::sys_days{date::year{2020} / 10 / 6} + std::chrono::hours{1};    // 08:00 +07
    r.due = date::sys_days{date::year{2020} / 10 / 9} + std::chrono::hours{10};  // 17:00 +07
    r.occurrence = "20201009";
    return r;
  }
};

}  // namespace

TEST_CASE("an email reminder has the headers, the stable Message-ID and a Vietnamese body",
          "[message]") {
  Fixture f;
  auto now =
      date::sys_days{date::year{2020} / 10 / 6} + std::chrono::hours{1} + std::chrono::seconds{2};
  auto outs = message::outbound_for(f.config, f.reminder("cntt"), now, true);
  REQUIRE(outs.size() == 2);
  const auto& mail = outs[0];
  CHECK(mail.channel == "email");
  CHECK(mail.id == "nct-2020.dang-tin.20201009.3wd.cntt");
  CHECK(journal_key_of(mail) == "nct-2020.dang-tin.20201009.3wd.cntt/email");
  CHECK(mail.to == std::vector<std::string>{"cntt@stnmt.example"});
  CHECK(mail.cc == std::vector<std::string>{"vanphong@stnmt.example"});

  auto header_end = mail.content.find("\r\n\r\n");
  REQUIRE(header_end != std::string::npos);
  std::string headers = mail.content.substr(0, header_end + 2);
  CHECK(headers.find("To: cntt@stnmt.example\r\n") != std::string::npos);
  CHECK(headers.find("Cc: vanphong@stnmt.example\r\n") != std::string::npos);
  CHECK(headers.find("Date: Tue, 06 Oct 2020 08:00:02 +0700\r\n") != std::string::npos);
  CHECK(headers.find("Message-ID: <nct-2020.dang-tin.20201009.3wd.cntt@stnmt.example>\r\n") !=
        std::string::npos);
  CHECK(headers.find("Content-Type: multipart/alternative; boundary=\"=_deadlined_") !=
        std::string::npos);
  // The plain part, first of the two.
  const std::string part_head =
      "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  auto plain = mail.content.find(part_head, header_end);
  REQUIRE(plain != std::string::npos);
  plain += part_head.size();
  auto plain_end = mail.content.find("\r\n--=_deadlined_", plain);
  REQUIRE(plain_end != std::string::npos);
  CHECK(mail.content.find("Content-Type: text/html; charset=UTF-8\r\n", plain_end) !=
        std::string::npos);
  std::string encoded_body;
  for (const auto& line : lines_of(mail.content.substr(plain, plain_end + 2 - plain))) {
    CHECK(line.size() <= 76);
    encoded_body += line;
  }
  std::string body = *codec::base64_decode(encoded_body);
  CHECK(body.find("Kính gửi: Trung tâm Công nghệ thông tin\r\n") == 0);
  CHECK(body.find("Kế hoạch số 12/KH-STNMT") != std::string::npos);
  CHECK(body.find("căn cứ Kế hoạch số 354/KH-BCTNCT ngày 24/6/2020") != std::string::npos);
  CHECK(body.find("được giao chủ trì thực hiện nhiệm vụ") != std::string::npos);
  CHECK(body.find("Thời hạn: trước 17:00 ngày 09/10/2020 (còn 3 ngày làm việc).") !=
        std::string::npos);
  CHECK(body.find("Báo cáo kết quả về: Văn phòng Sở.") != std::string::npos);

  // The Message-ID depends only on the key: a later render (a retry) keeps it.
  auto later =
      message::outbound_for(f.config, f.reminder("cntt"), now + std::chrono::hours{1}, true);
  CHECK(later[0].content.find("Message-ID: <nct-2020.dang-tin.20201009.3wd.cntt@stnmt.example>") !=
        std::string::npos);
}

TEST_CASE("the Office gets no copy of its own reminder, and late ones say so", "[message]") {
  Fixture f;
  auto r = f.reminder("van-phong");
  r.late = true;
  f.task.report_to = "Ban Công tác người cao tuổi tỉnh";
  auto outs = message::outbound_for(f.config, r, r.at, true);
  REQUIRE(outs.size() == 1);
  CHECK(outs[0].cc.empty());
  CHECK(outs[0].content.find("\r\nCc:") == std::string::npos);
  CHECK(outs[0].subject.rfind("[Gửi muộn] Nhắc việc: ", 0) == 0);
  std::string text = message::text_of(f.config, r, r.at);
  CHECK(text.find("Báo cáo kết quả về: Ban Công tác người cao tuổi tỉnh.") != std::string::npos);
  CHECK(text.find("gửi muộn") != std::string::npos);
}

TEST_CASE("the webhook body carries the documented fields", "[message]") {
  Fixture f;
  auto r = f.reminder("cntt");
  auto outs = message::outbound_for(f.config, r, r.at, true);
  REQUIRE(outs.size() == 2);
  CHECK(outs[1].channel == "webhook:chat");
  CHECK(journal_key_of(outs[1]) == "nct-2020.dang-tin.20201009.3wd.cntt/webhook:chat");
  auto body = nlohmann::json::parse(outs[1].content);
  // The id is the webhook-id (dot-free); the readable key is `key`.
  CHECK(body["id"] == ids::webhook_id("nct-2020.dang-tin.20201009.3wd.cntt"));
  CHECK(body["key"] == "nct-2020.dang-tin.20201009.3wd.cntt");
  CHECK(body["type"] == "reminder");
  CHECK(body["stage"] == "3wd");
  CHECK(body["plan"] == "nct-2020");
  CHECK(body["task"] == "dang-tin");
  CHECK(body["unit"] == "cntt");
  CHECK(body["due"] == "2020-10-09T17:00:00+07:00");
  CHECK(body["at"] == "2020-10-06T08:00:00+07:00");
  CHECK(body["late"] == false);
  CHECK(body["subject"] == message::subject_of(f.config, r, r.at));
  CHECK(body["text"] == message::text_of(f.config, r, r.at));
}

TEST_CASE("time left is in days, or today with the hours when few are left", "[message]") {
  Fixture f;
  auto r = f.reminder("cntt");
  r.at = r.due - std::chrono::minutes{150};
  CHECK(message::text_of(f.config, r, r.at).find("(hạn trong ngày hôm nay, còn 2 giờ 30 phút)") !=
        std::string::npos);
  r.at = r.due - std::chrono::minutes{45};
  CHECK(message::text_of(f.config, r, r.at).find("(hạn trong ngày hôm nay, còn 45 phút)") !=
        std::string::npos);
  r.at = r.due - std::chrono::hours{9};  // 08:00 of the due day
  CHECK(message::text_of(f.config, r, r.at).find("(hạn trong ngày hôm nay).") != std::string::npos);
}

TEST_CASE("time left is counted from when the message goes out", "[message]") {
  Fixture f;
  auto r = f.reminder("cntt");  // the 3wd reminder
  // Sent at its time, and caught up 150 minutes before the deadline: the second says so.
  CHECK(message::text_of(f.config, r, r.at).find("(còn 3 ngày") != std::string::npos);
  std::string late = message::text_of(f.config, r, r.due - std::chrono::minutes{150});
  CHECK(late.find("(hạn trong ngày hôm nay, còn 2 giờ 30 phút)") != std::string::npos);
  CHECK(late.find("còn 3 ngày") == std::string::npos);
  // After the deadline (an attempt cut short, taken up again): never "còn" a negative time.
  std::string past = message::text_of(f.config, r, r.due + std::chrono::minutes{5});
  CHECK(past.find("(đã quá hạn)") != std::string::npos);
  CHECK(past.find("còn -") == std::string::npos);
}

TEST_CASE("a failure report names the address, the unit, the key and the reason", "[message]") {
  Fixture f;
  auto now = date::sys_days{date::year{2020} / 10 / 6} + std::chrono::hours{20};  // 03:00 +07, 7th
  message::FailedDelivery failure{"sai@stnmt.example",
                                  "email",
                                  "cntt",
                                  "Trung tâm Công nghệ thông tin",
                                  "nct-2020.dang-tin.20201009.3wd.cntt",
                                  "SMTP 550"};
  auto id = message::failure_report_id(f.config, "sai@stnmt.example", now);
  CHECK(id == "failure.20201007." + codec::fnv1a64_hex("sai@stnmt.example"));
  CHECK(id != message::failure_report_id(f.config, "other@stnmt.example", now));
  auto reports = message::failure_report(f.config, *f.config.find_unit("van-phong"), failure, now);
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].to == std::vector<std::string>{"vanphong@stnmt.example"});
  CHECK(reports[0].subject == "Không gửi được nhắc việc tới sai@stnmt.example");
  const std::string& content = reports[0].content;
  CHECK(content.find("X-Deadlined-Report: delivery-failure\r\n") != std::string::npos);
  CHECK(content.find("Message-ID: <" + id + "@stnmt.example>\r\n") != std::string::npos);
  std::string encoded;
  for (const auto& line : lines_of(content.substr(content.find("\r\n\r\n") + 4)))
    encoded += line;
  std::string body = *codec::base64_decode(encoded);
  for (const char* part :
       {"sai@stnmt.example", "Trung tâm Công nghệ thông tin", "nct-2020.dang-tin.20201009.3wd.cntt",
        "SMTP 550", "send-test --unit cntt"}) {
    CHECK(body.find(part) != std::string::npos);
  }
}

TEST_CASE("FNV-1a names are 16 stable hex digits", "[codec]") {
  CHECK(codec::fnv1a64_hex("") == "cbf29ce484222325");
  CHECK(codec::fnv1a64_hex("a") == "af63dc4c8601ec8c");
}

TEST_CASE("hand-written time formats agree with date::format in every kind of zone", "[message]") {
  // Whole-hour, half-hour and 45-minute offsets, west and east, with and without DST.
  for (const char* name : {"UTC", "Asia/Ho_Chi_Minh", "America/St_Johns", "Asia/Kathmandu",
                           "Europe/Berlin", "Pacific/Kiritimati"}) {
    const date::time_zone* zone = date::locate_zone(name);
    // Every 27 hours 46 minutes 43 seconds over 1969-2040: all months, days and times.
    for (date::sys_seconds t = date::sys_days{date::year{1969} / 1 / 1};
         t < date::sys_days{date::year{2040} / 1 / 1}; t += std::chrono::seconds{100'003}) {
      auto zoned = date::make_zoned(zone, t);
      INFO(name << " " << t.time_since_epoch().count());
      REQUIRE(message::iso8601(zone, t) == date::format("%FT%T%Ez", zoned));
      REQUIRE(message::rfc5322_date(zone, t) == date::format("%a, %d %b %Y %T %z", zoned));
      REQUIRE(message::vn_date(zone, t) == date::format("%d/%m/%Y", zoned));
      REQUIRE(message::vn_time(zone, t) == date::format("%H:%M", zoned));
      auto day = date::floor<date::days>(zoned.get_local_time());
      REQUIRE(message::vn_date(day) == date::format("%d/%m/%Y", day));
    }
  }
}

TEST_CASE("stages are named in Vietnamese where people read them", "[message]") {
  Fixture f;
  auto r = f.reminder("cntt");
  auto label = [&](const char* stage) {
    r.stage = stage;
    return message::stage_label(r);
  };
  CHECK(label("7d") == "trước 7 ngày");
  CHECK(label("3wd") == "trước 3 ngày làm việc");
  CHECK(label("0d") == "ngày đến hạn");
  CHECK(label("2h") == "trước 2 giờ");
  CHECK(label("90m") == "trước 1 giờ 30 phút");
  CHECK(label("45s") == "trước 45 giây");
}
