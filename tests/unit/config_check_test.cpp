#include <catch2/catch.hpp>

#include "config/check.hpp"
#include "config/loader.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined::config;
using namespace deadlined::config::detail;
using deadlined::test::TempDir;

namespace {

std::vector<std::string> texts(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diagnostics)
    out.push_back(d.to_string());
  return out;
}

SourcePos in_a(std::uint32_t line, std::uint32_t column) {
  return {"a.toml", line, column};
}

ParsedConfig with_units() {
  ParsedConfig parsed;
  parsed.file = "main.toml";
  for (const char* id : {"vp", "a"}) {
    UnitSection& unit = parsed.units[id];
    unit.values.id = id;
    unit.values.emails = {std::string(id) + "@example.org"};
  }
  parsed.email.values.transport = EmailConfig::Transport::maildir;
  return parsed;
}

TaskSection& add_task(PlanSection& plan, const std::string& id, std::uint32_t line) {
  TaskSection& task = plan.tasks.emplace_back();
  task.values.id = id;
  task.names_id = true;
  task.responsible = {{"a", in_a(line + 2, 16)}};
  return task;
}

void due_before(TaskSection& task, const std::string& other, SourcePos where) {
  task.values.due.kind = DueSpec::Kind::rule;
  task.values.due.rule.kind = DueRule::Kind::before_task;
  task.values.due.rule.task = other;
  task.due_where = std::move(where);
}

}  // namespace

TEST_CASE("check: every cross reference in one pass, each where it is written", "[config][check]") {
  ParsedConfig parsed = with_units();
  parsed.email.values.transport = EmailConfig::Transport::none;
  parsed.webhooks["chat"].name = "chat";
  parsed.units["vp"].webhooks = {{"chat", {"main.toml", 10, 13}}, {"nope", {"main.toml", 10, 21}}};
  parsed.service.monitor = Written{"office", {"main.toml", 3, 11}};
  parsed.service.chase.escalate_to = std::vector<Written>{{"boss", {"main.toml", 4, 16}}};

  PlanSection& plan = parsed.plans.emplace_back();
  plan.values.id = "p";
  plan.id_where = in_a(2, 6);
  plan.chase.escalate_to = std::vector<Written>{{"vp", in_a(3, 16)}, {"chief", in_a(3, 22)}};
  TaskSection& t1 = add_task(plan, "t1", 5);
  t1.coordinating = {{"x", in_a(8, 17)}};
  due_before(add_task(plan, "t2", 10), "t9", in_a(14, 7));
  due_before(add_task(plan, "t3", 15), "t4", in_a(19, 7));
  due_before(add_task(plan, "t4", 20), "t3", in_a(24, 7));
  add_task(plan, "t5", 25).chase.escalate_to = std::vector<Written>{{"deputy", in_a(29, 16)}};

  PlanSection& again = parsed.plans.emplace_back();
  again.values.id = "p";
  again.id_where = SourcePos{"b.toml", 2, 6};

  CrossReferenceProblems problems = check(parsed);
  CHECK(texts(problems.main) ==
        std::vector<std::string>{
            "main.toml:10:21: error: đơn vị 'vp' nêu webhook 'nope' chưa được khai báo trong "
            "[webhooks]",
            "main.toml:3:11: error: 'monitor' nêu đơn vị 'office' chưa được khai báo trong "
            "[units]",
            "main.toml: error: có đơn vị khai báo email nhưng cấu hình chưa có mục [email]",
        });
  REQUIRE(problems.plans.size() == 2);
  CHECK(texts(problems.plans[0]) ==
        std::vector<std::string>{
            "a.toml:8:17: error: nhiệm vụ 't1' nêu đơn vị 'x' chưa được khai báo trong [units]",
            "a.toml:14:7: error: hạn của nhiệm vụ 't2' tính theo nhiệm vụ 't9' chưa được khai "
            "báo trong kế hoạch 'p'",
            "a.toml:19:7: error: hạn của nhiệm vụ 't3' phụ thuộc vào chính nó qua chuỗi "
            "'before'",
            "a.toml:24:7: error: hạn của nhiệm vụ 't4' phụ thuộc vào chính nó qua chuỗi "
            "'before'",
        });
  CHECK(texts(problems.plans[1]) ==
        std::vector<std::string>{
            "b.toml:2:6: error: mã kế hoạch 'p' bị trùng (đã khai báo tại a.toml:2:6)"});
  CHECK(texts(problems.escalations) ==
        std::vector<std::string>{
            "main.toml:4:16: error: 'escalate_to' nêu đơn vị 'boss' chưa được khai báo trong "
            "[units]",
            "a.toml:3:22: error: 'escalate_to' nêu đơn vị 'chief' chưa được khai báo trong "
            "[units]",
            "a.toml:29:16: error: 'escalate_to' nêu đơn vị 'deputy' chưa được khai báo trong "
            "[units]",
        });
}

TEST_CASE("check: a digest needs a monitor, and a good configuration has no problem",
          "[config][check]") {
  ParsedConfig parsed = with_units();
  parsed.service.digest = true;
  CHECK(texts(check(parsed).main) ==
        std::vector<std::string>{
            "main.toml: error: digest = true cần đơn vị theo dõi: khai báo 'monitor' trong "
            "[service]"});
  parsed.service.monitor = Written{"", {"main.toml", 3, 11}};
  CHECK(texts(check(parsed).main) ==
        std::vector<std::string>{
            "main.toml: error: digest = true cần đơn vị theo dõi: khai báo 'monitor' trong "
            "[service]"});
  parsed.service.monitor = Written{"vp", {"main.toml", 3, 11}};
  PlanSection& plan = parsed.plans.emplace_back();
  plan.values.id = "p";
  add_task(plan, "t1", 5);
  due_before(add_task(plan, "t2", 10), "t1", in_a(14, 7));
  CrossReferenceProblems problems = check(parsed);
  CHECK(problems.main.empty());
  REQUIRE(problems.plans.size() == 1);
  CHECK(problems.plans[0].empty());
  CHECK(problems.escalations.empty());
}

TEST_CASE("check: a task read with a problem takes no part in 'before' chains", "[config][check]") {
  ParsedConfig parsed = with_units();
  PlanSection& plan = parsed.plans.emplace_back();
  plan.values.id = "p";
  due_before(add_task(plan, "t1", 5), "t2", in_a(9, 7));
  TaskSection& t2 = add_task(plan, "t2", 10);
  due_before(t2, "t1", in_a(14, 7));
  t2.responsible.push_back({"x", in_a(12, 21)});
  TaskSection& t3 = add_task(plan, "t3", 15);
  due_before(t3, "t3", in_a(19, 7));
  t3.clean = false;
  // t2's unit is unknown and t3 was read with a problem: neither is followed, nor reported
  // for its own chain, but t2 is still a task t1 may be due before.
  CrossReferenceProblems problems = check(parsed);
  REQUIRE(problems.plans.size() == 1);
  CHECK(texts(problems.plans[0]) ==
        std::vector<std::string>{
            "a.toml:12:21: error: nhiệm vụ 't2' nêu đơn vị 'x' chưa được khai báo trong [units]"});
}

TEST_CASE("cross-reference problems in every file are reported at once, in the files' order",
          "[config][check]") {
  TempDir dir;
  dir.write("plans/a.toml",
            "[plan]\n"                        // 1
            "id = \"p\"\n"                    // 2
            "title = \"x\"\n"                 // 3
            "escalate_to = [\"boss\"]\n"      // 4
            "[[task]]\n"                      // 5
            "id = \"t1\"\n"                   // 6
            "title = \"y\"\n"                 // 7
            "responsible = [\"a\", \"x\"]\n"  // 8
            "due = \"1wd before t2\"\n"       // 9
            "[[task]]\n"                      // 10
            "id = \"t2\"\n"                   // 11
            "title = \"y\"\n"                 // 12
            "responsible = [\"a\"]\n"         // 13
            "due = \"2wd before t3\"\n"       // 14
            "[[task]]\n"                      // 15
            "id = \"t3\"\n"                   // 16
            "title = \"y\"\n"                 // 17
            "responsible = [\"a\"]\n"         // 18
            "due = \"2wd before t2\"\n");     // 19
  dir.write("plans/b.toml", "[plan]\nid = \"p\"\ntitle = \"z\"\n");
  auto result = load_config(dir.write("main.toml",
                                      "[service]\n"                    // 1
                                      "plans = [\"plans/*.toml\"]\n"   // 2
                                      "monitor = \"office\"\n"         // 3
                                      "digest = true\n"                // 4
                                      "[units.a]\n"                    // 5
                                      "name = \"A\"\n"                 // 6
                                      "email = [\"a@example.org\"]\n"  // 7
                                      "webhooks = [\"chat\"]\n"));     // 8
  CHECK_FALSE(result.config);
  std::vector<std::string> messages;
  std::string prefix = dir.path().string() + "/";
  for (const auto& d : result.diagnostics) {
    std::string text = d.to_string();
    if (text.rfind(prefix, 0) == 0) text = text.substr(prefix.size());
    messages.push_back(text);
  }
  CHECK(messages ==
        std::vector<std::string>{
            "main.toml: error: có đơn vị khai báo email nhưng cấu hình chưa có mục [email]",
            "main.toml:3:11: error: 'monitor' nêu đơn vị 'office' chưa được khai báo trong "
            "[units]",
            "main.toml:8:13: error: đơn vị 'a' nêu webhook 'chat' chưa được khai báo trong "
            "[webhooks]",
            "plans/a.toml:4:16: error: 'escalate_to' nêu đơn vị 'boss' chưa được khai báo trong "
            "[units]",
            "plans/a.toml:8:21: error: nhiệm vụ 't1' nêu đơn vị 'x' chưa được khai báo trong "
            "[units]",
            "plans/a.toml:14:7: error: hạn của nhiệm vụ 't2' phụ thuộc vào chính nó qua chuỗi "
            "'before'",
            "plans/a.toml:19:7: error: hạn của nhiệm vụ 't3' phụ thuộc vào chính nó qua chuỗi "
            "'before'",
            "plans/b.toml:1:1: warning: kế hoạch 'p' chưa có nhiệm vụ nào ([[task]])",
            "plans/b.toml:2:6: error: mã kế hoạch 'p' bị trùng (đã khai báo tại " + prefix +
                "plans/a.toml:2:6)",
        });
}
