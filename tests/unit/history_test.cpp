#include <catch2/catch.hpp>

#include <sqlite3.h>

#include "journal/journal.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;

namespace {

journal::DeliveryRecord record(const std::string& key, const std::string& unit = "a",
                               const std::string& plan = "p") {
  journal::DeliveryRecord r;
  r.key = key + "/email";
  r.reminder_key = key;
  r.channel = "email";
  r.plan = plan;
  r.task = "t";
  r.occurrence = "20201103";
  r.stage = "1d";
  r.unit = unit;
  r.scheduled_at = date::sys_seconds{std::chrono::seconds{1604278800}};
  r.due_at = r.scheduled_at + std::chrono::hours{33};
  return r;
}

date::sys_seconds at(long s) {
  return date::sys_seconds{std::chrono::seconds{s}};
}

std::string outcome(const journal::Attempt& a) {
  return a.outcome ? *a.outcome : "none";
}

}  // namespace

TEST_CASE("every attempt has its row with its address, outcome and error", "[history]") {
  test::TempDir dir;
  journal::Journal j(dir.path() / "journal.sqlite");
  j.begin();
  REQUIRE(j.mark_attempt(record("r"), at(100), "a@x.vn"));
  j.mark_failed("r/email", at(101), "SMTP 451 try later", false);
  j.commit();
  REQUIRE(j.mark_attempt(record("r"), at(200), "a@x.vn, b@x.vn"));
  j.mark_failed("r/email", at(201), "SMTP 421", false);
  REQUIRE(j.mark_attempt(record("r"), at(300), "b@x.vn"));
  j.mark_delivered(std::vector<std::string>{"r/email"}, at(302));
  REQUIRE(j.mark_attempt(record("g"), at(150), "g@x.vn"));
  j.mark_failed("g/email", at(151), "SMTP 550 no such user", true);

  auto all = j.attempts(journal::AttemptFilter{});
  REQUIRE(all.size() == 4);
  CHECK(all[0].delivery_key == "r/email");
  CHECK(all[0].number == 1);
  CHECK(all[0].address == "a@x.vn");
  CHECK(outcome(all[0]) == "retry");
  CHECK(all[0].error == "SMTP 451 try later");
  CHECK(all[0].ended_at == at(101));
  CHECK(all[1].delivery_key == "g/email");
  CHECK(outcome(all[1]) == "failed");
  CHECK(all[1].error == "SMTP 550 no such user");
  CHECK(all[2].address == "a@x.vn, b@x.vn");
  CHECK(all[2].number == 2);
  CHECK(outcome(all[3]) == "delivered");
  CHECK(all[3].address == "b@x.vn");
  CHECK(all[3].error.empty());
  CHECK(all[3].started_at == at(300));
  CHECK(all[3].ended_at == at(302));
  CHECK(all[3].unit == "a");
  CHECK(all[3].stage == "1d");
  CHECK(all[3].reminder_key == "r");
}

TEST_CASE("a superseded retry and an attempt cut short record no outcome", "[history]") {
  test::TempDir dir;
  journal::Journal j(dir.path() / "journal.sqlite");
  REQUIRE(j.mark_attempt(record("r"), at(100), "a@x.vn"));
  j.mark_failed("r/email", at(101), "HTTP 503", false);
  // Given up with nothing in flight: the delivery fails, the last attempt stays a retry.
  j.mark_failed("r/email", at(500), "superseded: a later stage was delivered", true);
  REQUIRE(j.mark_attempt(record("s"), at(200), "s@x.vn"));  // a stop cut it short
  REQUIRE(j.mark_attempt(record("s"), at(600), "s@x.vn"));  // taken up after the restart
  j.mark_delivered(std::vector<std::string>{"s/email"}, at(601));
  auto all = j.attempts(journal::AttemptFilter{});
  REQUIRE(all.size() == 3);
  CHECK(outcome(all[0]) == "retry");
  CHECK(all[0].error == "HTTP 503");
  CHECK(outcome(all[1]) == "none");
  CHECK_FALSE(all[1].ended_at);
  CHECK(outcome(all[2]) == "delivered");
  CHECK(j.state_of("r/email") == journal::State::failed);
}

TEST_CASE("the attempts are filtered by plan, task, unit and time", "[history]") {
  test::TempDir dir;
  journal::Journal j(dir.path() / "journal.sqlite");
  REQUIRE(j.mark_attempt(record("a1", "a", "p"), at(100), "a@x.vn"));
  REQUIRE(j.mark_attempt(record("b1", "b", "p"), at(200), "b@x.vn"));
  REQUIRE(j.mark_attempt(record("a2", "a", "q"), at(300), "a@x.vn"));
  j.mark_delivered(std::vector<std::string>{"a1/email", "b1/email", "a2/email"}, at(400));
  auto keys = [&](journal::AttemptFilter f) {
    std::string out;
    for (const auto& a : j.attempts(f))
      out += a.reminder_key + " ";
    return out;
  };
  CHECK(keys({}) == "a1 b1 a2 ");
  CHECK(keys({"p", "", "", std::nullopt, std::nullopt}) == "a1 b1 ");
  CHECK(keys({"", "", "a", std::nullopt, std::nullopt}) == "a1 a2 ");
  CHECK(keys({"", "t", "", std::nullopt, std::nullopt}) == "a1 b1 a2 ");
  CHECK(keys({"", "other", "", std::nullopt, std::nullopt}).empty());
  CHECK(keys({"", "", "", at(200), at(300)}) == "b1 ");
  CHECK(keys({"", "", "", at(201), std::nullopt}) == "a2 ");
  CHECK(keys({"q", "", "b", std::nullopt, std::nullopt}).empty());
}

TEST_CASE("a version 4 journal gains the attempts table with each delivery's last attempt",
          "[history]") {
  test::TempDir dir;
  auto path = dir.path() / "journal.sqlite";
  {
    // Version 4's deliveries and meta tables (the others do not matter to the migration).
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(
                db,
                "CREATE TABLE deliveries (key TEXT PRIMARY KEY, reminder_key TEXT NOT NULL,"
                " channel TEXT NOT NULL, plan TEXT NOT NULL, task TEXT NOT NULL,"
                " occurrence TEXT NOT NULL, stage TEXT NOT NULL, unit TEXT NOT NULL,"
                " scheduled_at INTEGER NOT NULL, due_at INTEGER NOT NULL,"
                " late INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL"
                "  CHECK (state = 'pending' OR state = 'delivered' OR state = 'failed'),"
                " attempts INTEGER NOT NULL DEFAULT 0, first_attempt_at INTEGER,"
                " last_attempt_at INTEGER, delivered_at INTEGER, last_error TEXT) WITHOUT ROWID;"
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
                "INSERT INTO meta VALUES ('created_at', 50);"
                "INSERT INTO deliveries VALUES ('d/email', 'd', 'email', 'p', 't', '20201103',"
                " '1d', 'a', 1604278800, 1604397600, 0, 'delivered', 2, 100, 130, 131, NULL);"
                "INSERT INTO deliveries VALUES ('f/email', 'f', 'email', 'p', 't', '20201103',"
                " '1d', 'a', 1604278800, 1604397600, 0, 'failed', 1, 90, 90, NULL, 'SMTP 550');"
                "INSERT INTO deliveries VALUES ('w/email', 'w', 'email', 'p', 't', '20201103',"
                " '1d', 'b', 1604278800, 1604397600, 0, 'pending', 1, 80, 80, NULL, 'HTTP 503');"
                "INSERT INTO deliveries VALUES ('n/email', 'n', 'email', 'p', 't', '20201103',"
                " '1d', 'b', 1604278800, 1604397600, 0, 'pending', 0, NULL, NULL, NULL, NULL);"
                "PRAGMA user_version=4;",
                nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  journal::Journal j(path);
  CHECK(j.created_at() == at(50));
  auto all = j.attempts(journal::AttemptFilter{});
  REQUIRE(all.size() == 3);  // the delivery never attempted has none
  CHECK(all[0].reminder_key == "w");
  CHECK(outcome(all[0]) == "retry");
  CHECK(all[0].error == "HTTP 503");
  CHECK_FALSE(all[0].address);  // not recorded then
  CHECK(all[1].reminder_key == "f");
  CHECK(outcome(all[1]) == "failed");
  CHECK(all[2].reminder_key == "d");
  CHECK(all[2].number == 2);
  CHECK(outcome(all[2]) == "delivered");
  CHECK(all[2].started_at == at(130));
  CHECK(all[2].ended_at == at(131));
  // The next attempt of the pending delivery is its second, and is recorded as such.
  REQUIRE(j.mark_attempt(record("w", "b"), at(1000), "b@x.vn"));
  j.mark_delivered(std::vector<std::string>{"w/email"}, at(1001));
  all = j.attempts(journal::AttemptFilter{"", "", "b", std::nullopt, std::nullopt});
  REQUIRE(all.size() == 2);
  CHECK(all[1].number == 2);
  CHECK(all[1].address == "b@x.vn");
  CHECK(outcome(all[1]) == "delivered");
  CHECK(outcome(all[0]) == "retry");  // the migrated row is left as it was
}
