// The persisted formats of identities: journals, Message-IDs and webhook ids written by
// earlier versions must keep meaning the same deliveries.
#include <catch2/catch.hpp>

#include "ids/ids.hpp"

using namespace deadlined::ids;

TEST_CASE("an assignment is plan.task.occurrence.unit", "[ids]") {
  AssignmentId a{"nct-2020", "bao-cao", "20201103", "van-phong"};
  CHECK(a.to_string() == "nct-2020.bao-cao.20201103.van-phong");
  CHECK(AssignmentId::parse("nct-2020.bao-cao.20201103.van-phong") == a);
  CHECK(AssignmentId::parse("p.t.2026-Q3.u")->occurrence == "2026-Q3");
  CHECK_FALSE(AssignmentId::parse("p.t.o"));
  CHECK_FALSE(AssignmentId::parse("p.t.o.s.u"));
  CHECK_FALSE(AssignmentId::parse("p..o.u"));
  CHECK_FALSE(AssignmentId::parse("p.t.o.u."));
  CHECK_FALSE(AssignmentId::parse(""));
}

TEST_CASE("a reminder key is plan.task.occurrence.stage.unit", "[ids]") {
  ReminderKey k{{"p", "t", "2026-08", "phong-a"}, "overdue-2"};
  CHECK(k.to_string() == "p.t.2026-08.overdue-2.phong-a");
  auto parsed = ReminderKey::parse("nct.thu.20261202.escalate-lanh-dao.thanh-tra");
  REQUIRE(parsed);
  CHECK(parsed->assignment == AssignmentId{"nct", "thu", "20261202", "thanh-tra"});
  CHECK(parsed->stage == "escalate-lanh-dao");
  CHECK(parsed->to_string() == "nct.thu.20261202.escalate-lanh-dao.thanh-tra");
  CHECK_FALSE(ReminderKey::parse("p.t.o.u"));
  CHECK_FALSE(ReminderKey::parse("p.t.o.s.u.x"));
}

TEST_CASE("report ids: digest.DAY and failure.DAY.HASH", "[ids]") {
  ReportId digest{ReportId::Kind::digest, "20261202", {}};
  CHECK(digest.to_string() == "digest.20261202");
  CHECK(digest.kind_name() == "digest");
  CHECK(ReportId::parse("digest.20261202") == digest);
  ReportId failure{ReportId::Kind::delivery_failure, "20261202", "0123456789abcdef"};
  CHECK(failure.to_string() == "failure.20261202.0123456789abcdef");
  CHECK(failure.kind_name() == "delivery-failure");
  CHECK(ReportId::parse("failure.20261202.0123456789abcdef") == failure);
  CHECK_FALSE(ReportId::parse("digest.2026120"));
  CHECK_FALSE(ReportId::parse("failure.20261202.xyz"));
  CHECK_FALSE(ReportId::parse("failure.20261202"));
  CHECK_FALSE(ReportId::parse("digest.20261202.0123456789abcdef"));
}

TEST_CASE("channels: email and webhook:NAME", "[ids]") {
  CHECK(ChannelId::email().to_string() == "email");
  CHECK(ChannelId::of_webhook("zalo").to_string() == "webhook:zalo");
  CHECK(ChannelId::parse("email") == ChannelId::email());
  CHECK(ChannelId::parse("webhook:chat-1") == ChannelId::of_webhook("chat-1"));
  CHECK_FALSE(ChannelId::parse("webhook:"));
  CHECK_FALSE(ChannelId::parse("sms"));
}

TEST_CASE("delivery keys keep the format journals hold", "[ids]") {
  // As the journal of the previous release wrote them (reminder key + "/" + channel, and
  // ":" + address for SMTP); a report's message id takes the reminder key's place.
  const char* smtp = "nct-2020.bao-cao.20201103.7d.van-phong/email:vp@example.org";
  auto key = DeliveryKey::parse(smtp);
  REQUIRE(key);
  CHECK(std::get<ReminderKey>(key->message).stage == "7d");
  CHECK(key->channel.is_email());
  CHECK(key->address == "vp@example.org");
  CHECK(key->message_id() == "nct-2020.bao-cao.20201103.7d.van-phong");
  CHECK(key->to_string() == smtp);

  const char* hook = "p.t.2026-Q3.0d.a/webhook:chat";
  key = DeliveryKey::parse(hook);
  REQUIRE(key);
  CHECK(key->channel == ChannelId::of_webhook("chat"));
  CHECK(key->address.empty());
  CHECK_FALSE(key->is_report());
  CHECK(key->to_string() == hook);

  const char* report = "failure.20261202.0123456789abcdef/email:vp@example.org";
  key = DeliveryKey::parse(report);
  REQUIRE(key);
  CHECK(key->is_report());
  CHECK(std::get<ReportId>(key->message).day == "20261202");
  CHECK(key->to_string() == report);

  // An address may hold ':' and '/': only the first '/' and the channel's ':' split.
  key = DeliveryKey::parse("digest.20261202/email:a/b:c@example.org");
  REQUIRE(key);
  CHECK(key->address == "a/b:c@example.org");

  CHECK_FALSE(DeliveryKey::parse("p.t.o.s.u"));
  CHECK_FALSE(DeliveryKey::parse("p.t.o.s.u/sms"));
  CHECK_FALSE(DeliveryKey::parse("p.t.o.u/email"));
  CHECK_FALSE(DeliveryKey::parse("p.t.o.s.u/email:"));
}

TEST_CASE("the webhook-id is msg_ and 32 hex digits of the key's SHA-256, free of dots", "[ids]") {
  // The value is checked against a published digest below, and against Python's hashlib
  // in the integration tests (harness.webhook_id).
  std::string id = webhook_id("p.t.20300111.1d.a");
  REQUIRE(id.size() == 4 + 32);
  CHECK(id.rfind("msg_", 0) == 0);
  CHECK(id.find('.') == std::string::npos);
  CHECK(id.find_first_not_of("0123456789abcdef", 4) == std::string::npos);
  CHECK(webhook_id("p.t.20300111.1d.a") == id);  // stable
  CHECK(webhook_id("p.t.20300111.1d.b") != id);
  // The SHA-256 of "abc" (FIPS 180-2, appendix B.1) begins ba7816bf8f01cfea414140de5dae2223.
  CHECK(webhook_id("abc") == "msg_ba7816bf8f01cfea414140de5dae2223");
}
