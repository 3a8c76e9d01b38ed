// The contract of journal::Store, through the interface alone: one suite for every backend
// (SQLite today; PostgreSQL joins it as a second Backend type). What is particular to one
// backend (SQLite's migrations, damaged files, busy timeouts) stays in its own tests.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>

#include "journal/journal.hpp"
#include "journal/store.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;
using journal::State;

namespace {

/// The SQLite backend: a journal file in a temporary folder, opened anew by each open().
struct Sqlite {
  test::TempDir dir;
  std::unique_ptr<journal::Store> open() {
    return std::make_unique<journal::Journal>(dir.path() / "state" / "journal.sqlite");
  }
};

journal::DeliveryRecord delivery(const std::string& name, const std::string& unit = "a") {
  journal::DeliveryRecord r;
  r.reminder_key = "p.t.20261208." + name + "." + unit;
  r.channel = "email";
  r.key = r.reminder_key + "/email";
  r.plan = "p";
  r.task = "t";
  r.occurrence = "20261208";
  r.stage = name;
  r.unit = unit;
  r.scheduled_at = date::sys_seconds{std::chrono::seconds{1796000000}};
  r.due_at = r.scheduled_at + std::chrono::hours{48};
  return r;
}

date::sys_seconds at(long s) {
  return date::sys_seconds{std::chrono::seconds{1796000000 + s}};
}

journal::Confirmation confirmation(const std::string& unit, bool confirmed, long when) {
  journal::Confirmation c;
  c.target = {"p", "t", "20261208", unit};
  c.confirmed = confirmed;
  c.at = at(when);
  c.actor = confirmed ? "link" : "office:vp";
  c.origin = confirmed ? "203.0.113.7" : "desk";
  c.note = confirmed ? "Báo cáo số 12/BC-PA" : "Chưa đủ hồ sơ";
  return c;
}

}  // namespace

TEMPLATE_TEST_CASE("a delivery is pending from its first attempt, then delivered or failed once",
                   "[store]", Sqlite) {
  TestType backend;
  auto store = backend.open();
  auto a = delivery("7d"), b = delivery("3wd"), c = delivery("1d");
  CHECK_FALSE(store->state_of(a.key));
  REQUIRE(store->mark_attempt(a, at(0), "a@example.org"));
  CHECK(store->state_of(a.key) == State::pending);
  store->mark_failed(a.key, at(10), "421 busy", false);  // retried: still pending
  REQUIRE(store->mark_attempt(a, at(40), "a@example.org"));
  CHECK(store->attempts(a.key) == 2);
  store->mark_delivered(a.key, at(41));
  CHECK(store->state_of(a.key) == State::delivered);
  // Finished: a further attempt changes nothing and says so.
  CHECK_FALSE(store->mark_attempt(a, at(50), "a@example.org"));
  CHECK(store->attempts(a.key) == 2);

  REQUIRE(store->mark_attempt(b, at(1), "a@example.org"));
  store->mark_failed(b.key, at(5), "550 no such user", true);
  CHECK(store->state_of(b.key) == State::failed);
  CHECK_FALSE(store->mark_attempt(b, at(60)));
  REQUIRE(store->mark_attempt(c, at(2)));
  CHECK(store->count(State::delivered) == 1);
  CHECK(store->count(State::failed) == 1);
  CHECK(store->count(State::pending) == 1);

  // Every attempt with its address and outcome, by start time; the newest delivery first.
  auto trail = store->attempts(journal::AttemptFilter{"p", "t", "a", {}, {}});
  REQUIRE(trail.size() == 4);
  CHECK(trail[0].delivery_key == a.key);
  CHECK(trail[0].outcome == std::optional<std::string>("retry"));
  CHECK(trail[0].error == "421 busy");
  CHECK(trail[0].address == std::optional<std::string>("a@example.org"));
  auto recent = store->recent(10);
  REQUIRE(recent.size() == 3);
  CHECK(recent[0].reminder_key == a.reminder_key);  // attempted last, at 40
}

TEMPLATE_TEST_CASE("a burst's outcomes mark exactly their keys delivered", "[store]", Sqlite) {
  TestType backend;
  auto store = backend.open();
  std::vector<std::string> keys;
  store->begin();
  for (int i = 0; i < 150; ++i) {
    auto r = delivery("0d", "u" + std::to_string(i));
    REQUIRE(store->mark_attempt(r, at(0)));
    if (i % 3 != 0) keys.push_back(r.key);
  }
  store->commit();
  store->begin();
  store->mark_delivered(keys, at(1));
  store->commit();
  CHECK(store->count(State::delivered) == keys.size());
  CHECK(store->count(State::pending) == 50);
  CHECK(store->state_of(delivery("0d", "u0").key) == State::pending);
  CHECK(store->state_of(delivery("0d", "u1").key) == State::delivered);
}

TEMPLATE_TEST_CASE(
    "what a transaction writes is seen once committed and kept across a reopen, "
    "a rollback drops it",
    "[store]", Sqlite) {
  TestType backend;
  auto store = backend.open();
  auto kept = delivery("7d"), dropped = delivery("3wd");
  auto open_reader = store->reader(std::chrono::seconds{1});
  store->begin();
  REQUIRE(store->mark_attempt(kept, at(0)));
  CHECK_FALSE(open_reader()->state_of(kept.key));  // another connection sees nothing yet
  store->commit();
  CHECK(open_reader()->state_of(kept.key) == State::pending);
  store->begin();
  REQUIRE(store->mark_attempt(dropped, at(0)));
  store->rollback();
  CHECK_FALSE(store->state_of(dropped.key));
  CHECK_FALSE(store->failing());
  auto created = store->created_at();
  store.reset();
  auto again = backend.open();
  CHECK(again->state_of(kept.key) == State::pending);
  CHECK_FALSE(again->state_of(dropped.key));
  CHECK(again->created_at() == created);
}

TEMPLATE_TEST_CASE("confirmations are a trail whose latest entry decides, read one or all",
                   "[store]", Sqlite) {
  TestType backend;
  auto store = backend.open();
  store->record(confirmation("a", true, 100));
  store->record(confirmation("a", false, 200));  // the Office reopened it
  store->record(confirmation("b", true, 150));
  const journal::Target a{"p", "t", "20261208", "a"}, b{"p", "t", "20261208", "b"};
  CHECK_FALSE(store->is_confirmed(a));
  CHECK(store->is_confirmed(b));
  auto trail = store->history(a);
  REQUIRE(trail.size() == 2);
  CHECK(trail[0].note == "Báo cáo số 12/BC-PA");
  CHECK(trail[1].actor == "office:vp");
  CHECK(store->latest(a)->at == at(200));
  auto latest = store->latest_confirmations();
  REQUIRE(latest.size() == 2);
  CHECK(std::count_if(latest.begin(), latest.end(),
                      [](const journal::Confirmation& c) { return c.confirmed; }) == 1);
  CHECK_FALSE(store->latest({"p", "t", "20261208", "c"}));
}

TEMPLATE_TEST_CASE("extensions are a trail in order, whose version moves with each entry",
                   "[store]", Sqlite) {
  TestType backend;
  auto store = backend.open();
  CHECK(store->extensions_version() == 0);
  const journal::Target a{"p", "t", "20261208", "a"};
  journal::ExtensionEntry request{0,
                                  a,
                                  journal::ExtensionEntry::Action::request,
                                  "2026-12-15",
                                  "Chờ số liệu của Sở Tài chính",
                                  at(0),
                                  "link",
                                  "203.0.113.7"};
  auto first = store->record_extension(request);
  journal::ExtensionEntry approve{0,
                                  a,
                                  journal::ExtensionEntry::Action::approve,
                                  "2026-12-14",
                                  "Đồng ý gia hạn",
                                  at(60),
                                  "office:vp",
                                  "desk"};
  auto second = store->record_extension(approve);
  CHECK(second > first);
  CHECK(store->extensions_version() == second);
  auto trail = store->extension_history(a);
  REQUIRE(trail.size() == 2);
  CHECK(trail[0].action == journal::ExtensionEntry::Action::request);
  CHECK(trail[1].until == "2026-12-14");
  CHECK(store->extension_entries().size() == 2);
  CHECK(store->extension_history({"p", "t", "20261208", "b"}).empty());
}

TEMPLATE_TEST_CASE("disabled channels and provider tokens are kept until replaced", "[store]",
                   Sqlite) {
  TestType backend;
  {
    auto store = backend.open();
    store->disable_channel({"webhook:chat", "f1", at(0), "410 Gone"});
    store->disable_channel({"webhook:chat", "f2", at(9), "410 Gone again"});
    store->disable_channel({"webhook:sms", "f3", at(5), "410 Gone"});
    store->enable_channel("webhook:sms");
    store->store_provider_tokens("webhook:zalo", {"seed", "r1", "a1", at(3600), at(0)});
    store->store_provider_tokens("webhook:zalo", {"seed", "r2", "a2", at(7200), at(3500)});
  }
  auto store = backend.open();
  auto disabled = store->disabled_channels();
  REQUIRE(disabled.size() == 1);
  CHECK(disabled[0].fingerprint == "f2");
  auto tokens = store->provider_tokens("webhook:zalo");
  REQUIRE(tokens);
  CHECK(tokens->refresh_token == "r2");
  CHECK(tokens->expires_at == at(7200));
  CHECK_FALSE(store->provider_tokens("webhook:other"));
}
