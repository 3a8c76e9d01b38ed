#include <catch2/catch.hpp>

#include <map>

#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>

#include "journal/journal.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;
using journal::State;

namespace {

journal::DeliveryRecord record(const std::string& key) {
  journal::DeliveryRecord r;
  r.key = key + "/email";
  r.reminder_key = key;
  r.channel = "email";
  r.plan = "p";
  r.task = "t";
  r.occurrence = "20201103";
  r.stage = "1d";
  r.unit = "a";
  r.scheduled_at = date::sys_seconds{std::chrono::seconds{1604278800}};
  r.due_at = r.scheduled_at + std::chrono::hours{33};
  return r;
}

date::sys_seconds at(long s) {
  return date::sys_seconds{std::chrono::seconds{s}};
}

}  // namespace

TEST_CASE("the journal records attempts, deliveries and failures durably", "[journal]") {
  test::TempDir dir;
  auto path = dir.path() / "state" / "journal.sqlite";
  {
    journal::Journal j(path);
    CHECK_FALSE(j.state_of("x/email"));
    j.mark_attempt(record("x"), at(100));
    CHECK(j.state_of("x/email") == State::pending);
    j.mark_failed("x/email", at(101), "HTTP 503", false);
    CHECK(j.state_of("x/email") == State::pending);
    j.mark_attempt(record("x"), at(130));
    CHECK(j.attempts("x/email") == 2);
    j.mark_delivered("x/email", at(131));
    j.mark_attempt(record("y"), at(100));
    j.mark_failed("y/email", at(101), "SMTP 550", true);
    j.mark_attempt(record("z"), at(100));
  }
  // Reopened, as after a restart.
  journal::Journal j(path);
  // A finished delivery takes no further attempt; a pending one does.
  CHECK_FALSE(j.mark_attempt(record("x"), at(200)));
  CHECK_FALSE(j.mark_attempt(record("y"), at(200)));
  CHECK(j.attempts("x/email") == 2);
  CHECK(j.mark_attempt(record("z"), at(200)));
  CHECK(j.attempts("z/email") == 2);
  CHECK(j.state_of("x/email") == State::delivered);
  CHECK(j.state_of("y/email") == State::failed);
  CHECK(j.state_of("z/email") == State::pending);
  CHECK(j.count(State::delivered) == 1);
  CHECK(j.count(State::failed) == 1);
  CHECK(j.count(State::pending) == 1);

  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  REQUIRE(::stat(path.parent_path().c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0700);
}

TEST_CASE("a journal that cannot be opened is an error naming the path", "[journal]") {
  test::TempDir dir;
  dir.write("file", "not a folder");
  try {
    journal::Journal j(dir.path() / "file" / "journal.sqlite");
    FAIL("expected an exception");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find((dir.path() / "file").string()) != std::string::npos);
  }
}

TEST_CASE("confirmations are an append-only audit trail where the latest entry decides",
          "[journal][ack]") {
  test::TempDir dir;
  auto path = dir.path() / "state" / "journal.sqlite";
  journal::Target a{"p", "t", "2026-08", "a"};
  journal::Target b{"p", "t", "2026-08", "b"};
  {
    journal::Journal j(path);
    CHECK_FALSE(j.is_confirmed(a));
    CHECK_FALSE(j.latest(a));
    j.record({a, true, at(100), "link", "192.0.2.7", "Số 12/BC-STNMT"});
  }
  journal::Journal j(path);  // durable across reopening
  CHECK(j.is_confirmed(a));
  CHECK_FALSE(j.is_confirmed(b));
  j.record({a, false, at(200), "cli:lan", "cli", "thiếu phụ lục"});
  CHECK_FALSE(j.is_confirmed(a));
  j.record({a, true, at(300), "link", "192.0.2.7", ""});
  CHECK(j.is_confirmed(a));
  auto trail = j.history(a);
  REQUIRE(trail.size() == 3);
  CHECK(trail[0].note == "Số 12/BC-STNMT");
  CHECK(trail[0].origin == "192.0.2.7");
  CHECK_FALSE(trail[1].confirmed);
  CHECK(trail[1].actor == "cli:lan");
  CHECK(trail[2].at == at(300));
  CHECK(j.latest(a)->at == at(300));
  // Another occurrence of the same task and unit is a different target.
  CHECK_FALSE(j.is_confirmed({"p", "t", "2026-09", "a"}));
}

TEST_CASE("the latest entry of every target in one read, as the desk indexes them",
          "[journal][ack]") {
  test::TempDir dir;
  journal::Journal j(dir.path() / "state" / "journal.sqlite");
  CHECK(j.latest_confirmations().empty());
  journal::Target a{"p", "t", "2026-08", "a"};
  journal::Target b{"p", "t", "2026-08", "b"};
  journal::Target c{"q", "t", "20261130", "a"};
  j.record({a, true, at(100), "link", "192.0.2.7", "Số 12/BC-STNMT"});
  j.record({b, true, at(110), "cli:lan", "cli", ""});
  j.record({a, false, at(200), "cli:lan", "cli", "thiếu phụ lục"});
  j.record({c, true, at(150), "link", "192.0.2.8", ""});
  j.record({a, true, at(300), "link", "192.0.2.7", "bổ sung"});
  j.record({b, false, at(310), "cli:lan", "cli", "gửi nhầm"});
  auto all = j.latest_confirmations();
  REQUIRE(all.size() == 3);
  std::map<std::string, journal::Confirmation> by_target;
  for (auto& entry : all)
    by_target.emplace(entry.target.to_string(), entry);
  for (const auto& target : {a, b, c}) {
    REQUIRE(by_target.count(target.to_string()) == 1);
    const auto& got = by_target.at(target.to_string());
    auto want = j.latest(target);
    REQUIRE(want);
    CHECK(got.confirmed == want->confirmed);
    CHECK(got.at == want->at);
    CHECK(got.actor == want->actor);
    CHECK(got.origin == want->origin);
    CHECK(got.note == want->note);
  }
  CHECK(by_target.at(a.to_string()).note == "bổ sung");
  CHECK_FALSE(by_target.at(b.to_string()).confirmed);
}

TEST_CASE("a version 4 journal gains the Office's document and receipt, old entries kept",
          "[journal][ack]") {
  test::TempDir dir;
  auto path = dir.path() / "journal.sqlite";
  journal::Target a{"p", "t", "20261130", "a"};
  {
    journal::Journal j(path);
    j.record({a, true, at(100), "link", "192.0.2.7", "Số 12/BC"});
  }
  {
    // Back to version 4: no document, no received_at.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db,
                         "ALTER TABLE confirmations DROP COLUMN document;"
                         "ALTER TABLE confirmations DROP COLUMN received_at;"
                         "PRAGMA user_version=4;",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  journal::Journal j(path);
  auto old = j.latest(a);
  REQUIRE(old);
  CHECK(old->note == "Số 12/BC");
  CHECK(old->document.empty());
  CHECK_FALSE(old->received_at);
  CHECK(old->done_at() == at(100));
  journal::Confirmation office{a, true, at(300), "office:hang", "192.0.2.9", "Nhận qua bưu điện"};
  office.document = "45/BC-PKHTC";
  office.received_at = at(250);
  j.record(office);
  auto now = j.latest(a);
  REQUIRE(now);
  CHECK(now->document == "45/BC-PKHTC");
  CHECK(now->received_at == at(250));
  CHECK(now->done_at() == at(250));
  CHECK(j.latest_confirmations().front().document == "45/BC-PKHTC");
}

TEST_CASE("a batch of writes is seen by others only once committed, and a rollback drops it",
          "[journal]") {
  test::TempDir dir;
  auto path = dir.path() / "state" / "journal.sqlite";
  journal::Journal writer(path);
  journal::Journal reader(path);  // another connection, as `deadlined ack` or a restart

  writer.begin();
  CHECK(writer.mark_attempt(record("a"), at(100)));
  CHECK(writer.mark_attempt(record("b"), at(100)));
  CHECK(writer.state_of("a/email") == State::pending);  // the writer sees its own writes
  CHECK_FALSE(reader.state_of("a/email"));
  writer.commit();
  CHECK(reader.state_of("a/email") == State::pending);
  CHECK(reader.state_of("b/email") == State::pending);

  writer.begin();
  writer.mark_delivered("a/email", at(101));
  writer.rollback();
  CHECK(reader.state_of("a/email") == State::pending);
  CHECK(writer.state_of("a/email") == State::pending);
  writer.rollback();  // nothing open: does nothing

  // Statements are prepared once and reused: many writes in one batch stay correct.
  writer.begin();
  for (int i = 0; i < 200; ++i)
    writer.mark_attempt(record("n" + std::to_string(i)), at(200));
  writer.commit();
  CHECK(reader.count(State::pending) == 202);
}

TEST_CASE("a version 2 journal is migrated to the current version with every row kept",
          "[journal]") {
  test::TempDir dir;
  auto path = dir.path() / "journal.sqlite";
  auto sql = [&](sqlite3* db, const char* text) {
    char* error = nullptr;
    int rc = sqlite3_exec(db, text, nullptr, nullptr, &error);
    std::string message = error ? error : "";
    sqlite3_free(error);
    return rc == SQLITE_OK ? std::string() : message.empty() ? "error" : message;
  };
  {
    // The schema exactly as version 2 created it, with a row in each state.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    CHECK(sql(db,
              "CREATE TABLE deliveries (key TEXT PRIMARY KEY, reminder_key TEXT NOT NULL,"
              " channel TEXT NOT NULL, plan TEXT NOT NULL, task TEXT NOT NULL,"
              " occurrence TEXT NOT NULL, stage TEXT NOT NULL, unit TEXT NOT NULL,"
              " scheduled_at INTEGER NOT NULL, due_at INTEGER NOT NULL,"
              " late INTEGER NOT NULL DEFAULT 0,"
              " state TEXT NOT NULL CHECK (state IN ('pending','delivered','failed')),"
              " attempts INTEGER NOT NULL DEFAULT 0, first_attempt_at INTEGER,"
              " last_attempt_at INTEGER, delivered_at INTEGER, last_error TEXT);"
              "CREATE INDEX deliveries_by_state ON deliveries(state);"
              "INSERT INTO deliveries VALUES ('d/email', 'd', 'email', 'p', 't', '20201103',"
              " '1d', 'a', 1604278800, 1604397600, 1, 'delivered', 2, 100, 130, 131, NULL);"
              "INSERT INTO deliveries VALUES ('f/email', 'f', 'email', 'p', 't', '20201103',"
              " '1d', 'a', 1604278800, 1604397600, 0, 'failed', 1, 100, 100, NULL, 'SMTP 550');"
              "INSERT INTO deliveries VALUES ('w/email', 'w', 'email', 'p', 't', '20201103',"
              " '1d', 'a', 1604278800, 1604397600, 0, 'pending', 1, 100, 100, NULL, 'HTTP 503');"
              "PRAGMA user_version=2;") == "");
    sqlite3_close(db);
  }
  {
    journal::Journal j(path);
    CHECK(j.state_of("d/email") == State::delivered);
    CHECK(j.state_of("f/email") == State::failed);
    CHECK(j.state_of("w/email") == State::pending);
    CHECK(j.attempts("d/email") == 2);
    CHECK(j.count(State::pending) == 1);
    CHECK_FALSE(j.mark_attempt(record("d"), at(200)));
    CHECK(j.mark_attempt(record("w"), at(200)));
    CHECK(j.attempts("w/email") == 2);
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  auto scalar = [&](const char* text) {
    sqlite3_stmt* s = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, text, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return out;
  };
  CHECK(scalar("PRAGMA user_version") == "7");
  CHECK(scalar("SELECT count(*) FROM disabled_channels") == "0");
  CHECK(scalar("SELECT sql FROM sqlite_master WHERE name = 'deliveries'").find("WITHOUT ROWID") !=
        std::string::npos);
  CHECK(scalar("SELECT last_error FROM deliveries WHERE key = 'f/email'") == "SMTP 550");
  CHECK(scalar("SELECT late || delivered_at FROM deliveries WHERE key = 'd/email'") == "1131");
  CHECK(scalar("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'deliveries' AND"
               " type = 'index'") == "0");
  // The state is still checked.
  CHECK(sql(db, "UPDATE deliveries SET state = 'lost' WHERE key = 'w/email'") != "");
  sqlite3_close(db);
}

TEST_CASE("a journal of a newer schema is refused, unchanged", "[journal]") {
  test::TempDir dir;
  auto path = dir.path() / "journal.sqlite";
  { journal::Journal j(path); }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  CHECK_THROWS_WITH(journal::Journal(path),
                    Catch::Contains("schema version 99 is newer than this deadlined's"));
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  CHECK(sqlite3_column_int(s, 0) == 99);
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_CASE("a batch of deliveries is recorded a group of keys at a time, exactly those keys",
          "[journal]") {
  test::TempDir dir;
  journal::Journal j(dir.path() / "journal.sqlite");
  // Two full groups and a short one, the rows left out interleaved with the marked ones.
  const std::size_t n = 2 * journal::Journal::k_keys_per_update + 7;
  std::vector<std::string> marked;
  for (std::size_t i = 0; i < 2 * n; ++i) {
    j.mark_attempt(record("k" + std::to_string(i)), at(100));
    if (i % 2 == 0) marked.push_back("k" + std::to_string(i) + "/email");
  }
  REQUIRE(marked.size() == n);
  j.mark_delivered(marked, at(150));
  j.mark_delivered(std::vector<std::string>{}, at(151));  // nothing to record is no statement
  for (std::size_t i = 0; i < 2 * n; ++i) {
    INFO("row " << i);
    CHECK(j.state_of("k" + std::to_string(i) + "/email") ==
          (i % 2 == 0 ? State::delivered : State::pending));
  }
  CHECK(j.count(State::delivered) == n);
  CHECK(j.count(State::pending) == n);
  // A delivered row takes no further attempt, as with the key-at-a-time call.
  CHECK_FALSE(j.mark_attempt(record("k0"), at(200)));
}

namespace {

/// Runs `sql` on the journal file through a connection of its own.
void raw_sql(const std::filesystem::path& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  INFO((error ? error : ""));
  sqlite3_free(error);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

std::string open_error(const std::filesystem::path& path) {
  try {
    journal::Journal j(path);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "opened";
}

}  // namespace

TEST_CASE("a journal file that lost its tables is refused, never taken for a new one",
          "[journal]") {
  test::TempDir dir;
  // A zero-byte file (a truncated journal).
  auto empty = dir.write("empty.sqlite", "");
  CHECK(open_error(empty) ==
        "journal " + empty.string() +
            " has no deliveries table: it is damaged or not a journal of deadlined; deadlined "
            "will not start on it. Restore it from a backup, or move it away to start with an "
            "empty journal (every reminder whose stage has come would then be sent again)");
  // A journal whose deliveries table was dropped: it had delivered x.
  auto path = dir.path() / "journal.sqlite";
  {
    journal::Journal j(path);
    REQUIRE(j.mark_attempt(record("x"), at(1000)));
    j.mark_delivered("x/email", at(1001));
  }
  raw_sql(path, "DROP TABLE deliveries");
  CHECK(open_error(path).find("has no deliveries table") != std::string::npos);
  // A file that does not exist is a new journal.
  CHECK(open_error(dir.path() / "new.sqlite") == "opened");
}

TEST_CASE("a damaged journal is refused at open", "[journal]") {
  test::TempDir dir;
  auto path = dir.path() / "journal.sqlite";
  {
    journal::Journal j(path);
    j.begin();
    for (int i = 0; i < 2000; ++i)
      REQUIRE(j.mark_attempt(record("k" + std::to_string(i)), at(1000)));
    j.commit();
  }  // the last connection closed: the WAL is checkpointed into the file
  auto size = std::filesystem::file_size(path);
  REQUIRE(size > 16 * 4096);
  {
    // Garbage over a page in the middle of the deliveries b-tree.
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(size / 2 / 4096 * 4096));
    std::string garbage(4096, '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  std::string error = open_error(path);
  INFO(error);
  CHECK(error.rfind("journal " + path.string(), 0) == 0);
  CHECK(error.find("will not start on it") != std::string::npos);
}

TEST_CASE(
    "a journal error while running is an error and marks the journal failing, "
    "never 'not sent'",
    "[journal]") {
  test::TempDir dir;
  auto path = dir.path() / "journal.sqlite";
  journal::Journal j(path);
  REQUIRE(j.mark_attempt(record("x"), at(1000)));
  j.mark_delivered("x/email", at(1001));
  CHECK(j.state_of("x/email") == State::delivered);
  CHECK_FALSE(j.failing());
  raw_sql(path, "DROP TABLE deliveries");
  // Before, a failing read returned "no row": the delivery looked never attempted.
  CHECK_THROWS_WITH(j.state_of("x/email"), Catch::Contains("read a delivery"));
  CHECK(j.failing());
  CHECK_THROWS(j.attempts("x/email"));
  CHECK_THROWS(j.count(State::delivered));
}

TEST_CASE("disabled channels are kept across a reopen until enabled again", "[journal]") {
  test::TempDir dir;
  auto path = dir.path() / "journal.sqlite";
  {
    journal::Journal j(path);
    CHECK(j.disabled_channels().empty());
    j.disable_channel({"webhook:chat", "f1", at(100), "HTTP 410 Gone"});
    j.disable_channel({"webhook:ops", "f2", at(200), "HTTP 410 Gone"});
    // Disabled again (after a reload changed it and it answered 410 once more): replaced.
    j.disable_channel({"webhook:chat", "f3", at(300), "HTTP 410 Gone"});
  }
  journal::Journal j(path);
  auto entries = j.disabled_channels();
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].channel == "webhook:chat");
  CHECK(entries[0].fingerprint == "f3");
  CHECK(entries[0].since == at(300));
  CHECK(entries[0].reason == "HTTP 410 Gone");
  CHECK(entries[1].channel == "webhook:ops");
  j.enable_channel("webhook:chat");
  j.enable_channel("webhook:none");  // not disabled: nothing happens
  entries = j.disabled_channels();
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].channel == "webhook:ops");
}

TEST_CASE("a short busy timeout fails fast under another process's lock, and a reader reads",
          "[journal]") {
  test::TempDir dir;
  auto path = dir.path() / "journal.sqlite";
  journal::Journal j(path, journal::JournalOptions{std::chrono::milliseconds{100}, false});
  j.record({{"p", "t", "20201103", "a"}, true, at(100), "cli:vp", "cli", ""});
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  auto started = std::chrono::steady_clock::now();
  CHECK_THROWS(j.mark_attempt(record("a"), at(200)));
  auto waited = std::chrono::steady_clock::now() - started;
  CHECK(waited < std::chrono::seconds{2});  // the default waits 5 s
  CHECK(j.failing());
  // A read-only connection of its own reads what is committed, lock or not.
  journal::Journal reader(path, journal::JournalOptions{std::chrono::seconds{1}, true});
  CHECK(reader.is_confirmed({"p", "t", "20201103", "a"}));
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  CHECK(j.mark_attempt(record("a"), at(300)));
  // A reader never creates a journal.
  CHECK_THROWS(journal::Journal(dir.path() / "none.sqlite", journal::JournalOptions{{}, true}));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "none.sqlite"));
}
