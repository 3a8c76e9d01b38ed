#include <catch2/catch.hpp>

#include "config/lead.hpp"
#include "config/loader.hpp"
#include "config/resolve.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined::config;
using namespace deadlined::config::detail;
using deadlined::test::TempDir;

namespace {

ParsedConfig with_one_task() {
  ParsedConfig parsed;
  parsed.file = "/etc/deadlined/main.toml";
  parsed.service.values.state_dir = "/var/lib/deadlined";
  parsed.service.monitor = Written{"vp", {"/etc/deadlined/main.toml", 3, 11}};
  UnitSection& vp = parsed.units["vp"];
  vp.values.id = "vp";
  PlanSection& plan = parsed.plans.emplace_back();
  plan.values.id = "p";
  TaskSection& task = plan.tasks.emplace_back();
  task.values.id = "t";
  task.responsible = {{"vp", {}}, {"vp", {}}};
  return parsed;
}

std::vector<std::string> texts(const std::vector<Lead>& leads) {
  std::vector<std::string> out;
  for (const Lead& lead : leads)
    out.push_back(lead.text);
  return out;
}

const Task& only_task(const Config& config) {
  return config.plans.at(0).tasks.at(0);
}

}  // namespace

TEST_CASE("resolve: [http] turns chasing on, and chasing the digest", "[config][resolve]") {
  ParsedConfig parsed = with_one_task();
  parsed.http.enabled = true;
  Config config = resolve(std::move(parsed));
  CHECK(config.service.chase.enabled);
  CHECK(config.service.digest);
  CHECK(only_task(config).chase.enabled);

  Config without = resolve(with_one_task());
  CHECK_FALSE(without.service.chase.enabled);
  CHECK_FALSE(without.service.digest);
  CHECK_FALSE(only_task(without).chase.enabled);
}

TEST_CASE("resolve: an explicit key overrides the default from another section",
          "[config][resolve]") {
  ParsedConfig parsed = with_one_task();
  parsed.http.enabled = true;
  parsed.service.chase.enabled = false;
  Config config = resolve(std::move(parsed));
  CHECK_FALSE(config.service.chase.enabled);
  CHECK_FALSE(config.service.digest);

  parsed = with_one_task();
  parsed.http.enabled = true;
  parsed.service.digest = false;
  config = resolve(std::move(parsed));
  CHECK(config.service.chase.enabled);
  CHECK_FALSE(config.service.digest);

  parsed = with_one_task();
  parsed.service.digest = true;
  config = resolve(std::move(parsed));
  CHECK_FALSE(config.service.chase.enabled);
  CHECK(config.service.digest);
}

TEST_CASE("resolve: digest_time is send_time unless given", "[config][resolve]") {
  ParsedConfig parsed = with_one_task();
  parsed.service.values.send_time = std::chrono::minutes{7 * 60 + 30};
  CHECK(resolve(std::move(parsed)).service.digest_time == std::chrono::minutes{7 * 60 + 30});

  parsed = with_one_task();
  parsed.service.values.send_time = std::chrono::minutes{7 * 60 + 30};
  parsed.service.digest_time = std::chrono::minutes{6 * 60};
  CHECK(resolve(std::move(parsed)).service.digest_time == std::chrono::minutes{6 * 60});
}

TEST_CASE("resolve: tasks inherit leads and chase keys from their plan and the service",
          "[config][resolve]") {
  ParsedConfig parsed = with_one_task();
  parsed.service.chase.escalate_to = std::vector<Written>{{"vp", {}}};
  parsed.service.chase.every = 3;
  PlanSection& plan = parsed.plans[0];
  plan.leads = std::vector<Lead>{*parse_lead("5wd"), *parse_lead("1d")};
  plan.chase.enabled = true;
  plan.chase.until = 10;
  TaskSection& other = plan.tasks.emplace_back();
  other.values.id = "u";
  other.leads = std::vector<Lead>{*parse_lead("2h")};
  other.chase.escalate_to = std::vector<Written>{};
  other.chase.every = 0;

  Config config = resolve(std::move(parsed));
  CHECK(texts(config.service.leads) == std::vector<std::string>{"7d", "3wd", "1d", "0d"});
  const Task& first = config.plans[0].tasks[0];
  CHECK(texts(first.leads) == std::vector<std::string>{"5wd", "1d"});
  CHECK(first.chase.enabled);
  CHECK(first.chase.every == 3);
  CHECK(first.chase.until == 10);
  CHECK(first.chase.escalate_to == std::vector<std::string>{"vp"});
  CHECK(first.responsible == std::vector<std::string>{"vp"});
  const Task& second = config.plans[0].tasks[1];
  CHECK(texts(second.leads) == std::vector<std::string>{"2h"});
  CHECK(second.chase.enabled);
  CHECK(second.chase.every == 0);
  CHECK(second.chase.escalate_to.empty());
}

TEST_CASE("resolve: the maildir is under state_dir, and the work calendar is built once",
          "[config][resolve]") {
  ParsedConfig parsed = with_one_task();
  parsed.email.values.transport = EmailConfig::Transport::maildir;
  parsed.email.maildir = "outbox";
  parsed.service.values.workdays = {false, true, true, true, true, true, true};
  deadlined::calendar::Decision decision;
  decision.year = 2025;
  decision.occasion = deadlined::calendar::Occasion::victory_labour;
  decision.swap_off = {LocalDays{date::year{2025} / 5 / 2}};
  parsed.service.values.decisions.push_back(decision);
  Config config = resolve(std::move(parsed));
  CHECK(config.email.maildir == "/var/lib/deadlined/outbox");
  REQUIRE(config.calendar);
  CHECK(config.calendar->is_working_day(LocalDays{date::year{2025} / 5 / 3}));  // a Saturday
  CHECK_FALSE(config.calendar->is_working_day(LocalDays{date::year{2025} / 5 / 2}));
  CHECK_FALSE(config.calendar->is_working_day(LocalDays{date::year{2025} / 9 / 2}));
}

TEST_CASE("defaults from other sections, through the loader", "[config][resolve]") {
  const std::string units =
      "\n[units.vp]\nname = \"Văn phòng\"\nwebhooks = [\"chat\"]\n"
      "[webhooks.chat]\nurl = \"http://127.0.0.1:1/hook\"\n";
  TempDir dir;
  dir.write("plans/p.toml",
            "[plan]\nid = \"p\"\ntitle = \"x\"\n[[task]]\nid = \"t\"\ntitle = \"y\"\n"
            "responsible = [\"vp\"]\ndue = 2025-11-03\n");
  ::setenv("DEADLINED_TEST_HTTP_SECRET", "0123456789abcdef0123", 1);
  const std::string http = "\n[http]\nsecret_env = \"DEADLINED_TEST_HTTP_SECRET\"\n";
  const std::string service = "[service]\nplans = [\"plans/*.toml\"]\nmonitor = \"vp\"\n";

  auto chased = load_config(dir.write("main.toml", service + http + units));
  REQUIRE(chased.config);
  CHECK(chased.config->service.chase.enabled);
  CHECK(chased.config->service.digest);
  CHECK(chased.config->plans[0].tasks[0].chase.enabled);

  auto off = load_config(dir.write("main.toml", service + "overdue = false\n" + http + units));
  REQUIRE(off.config);
  CHECK_FALSE(off.config->service.chase.enabled);
  CHECK_FALSE(off.config->service.digest);
  CHECK_FALSE(off.config->plans[0].tasks[0].chase.enabled);

  auto quiet = load_config(dir.write("main.toml", service + units));
  REQUIRE(quiet.config);
  CHECK_FALSE(quiet.config->service.chase.enabled);
  CHECK_FALSE(quiet.config->service.digest);
  ::unsetenv("DEADLINED_TEST_HTTP_SECRET");
}
