// Microbenchmarks (Google Benchmark) on a config made by bench/gen.py: the daemon's start-up
// work (loading the config, computing its agenda) and its work per message (the messages of
// a reminder, rendering one, its journal writes).
//
//   deadlined_micro --config DIR/main.toml [benchmark flags]
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include <unistd.h>

#include "config/loader.hpp"
#include "journal/journal.hpp"
#include "message/outbound.hpp"
#include "schedule/schedule.hpp"

namespace {

std::string g_config;

void load(benchmark::State& state) {
  for (auto _ : state) {
    auto result = deadlined::config::load_config(g_config);
    if (!result.config) state.SkipWithError("the config does not load");
    benchmark::DoNotOptimize(result);
  }
}

void agenda(benchmark::State& state) {
  auto result = deadlined::config::load_config(g_config);
  if (!result.config) return state.SkipWithError("the config does not load");
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  std::size_t deadlines = 0;
  for (auto _ : state) {
    auto agenda = deadlined::schedule::agenda_at(*result.config, now, std::chrono::seconds{0});
    deadlines = agenda.upcoming.size() + agenda.later.size();
    benchmark::DoNotOptimize(agenda);
  }
  state.counters["entries"] = static_cast<double>(deadlines);
}

/// The reminders of the config's first deadlines, as the scheduler meets them when due.
std::vector<deadlined::schedule::Reminder> some_reminders(const deadlined::config::Config& config,
                                                          std::size_t count) {
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  auto agenda = deadlined::schedule::agenda_at(config, now, std::chrono::seconds{0});
  std::vector<deadlined::schedule::Reminder> out;
  for (std::size_t i = 0; i < agenda.later.size() && out.size() < count; ++i) {
    for (auto& r : deadlined::schedule::reminders_of(config, agenda.later[i]))
      out.push_back(std::move(r));
  }
  return out;
}

/// The config and a thousand of its reminders, for the benchmarks per message.
struct Reminders {
  deadlined::config::LoadResult loaded = deadlined::config::load_config(g_config);
  std::vector<deadlined::schedule::Reminder> list;
  deadlined::config::SysSeconds now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());

  /// False, with the benchmark marked skipped, when there is nothing to measure.
  bool ready(benchmark::State& state) {
    if (!loaded.config) {
      state.SkipWithError("the config does not load");
      return false;
    }
    list = some_reminders(*loaded.config, 1000);
    if (list.empty()) state.SkipWithError("no reminder");
    return !list.empty();
  }
};

/// What the event loop does per due reminder before its attempt is recorded: its messages.
void messages(benchmark::State& state) {
  Reminders r;
  if (!r.ready(state)) return;
  std::size_t i = 0;
  for (auto _ : state) {
    auto out = deadlined::message::outbound_for(*r.loaded.config, r.list[i++ % r.list.size()],
                                                r.now, false);
    benchmark::DoNotOptimize(out);
  }
}

/// What a sending thread does per message before its transfer: the content of each.
void render(benchmark::State& state) {
  Reminders r;
  if (!r.ready(state)) return;
  std::vector<std::vector<deadlined::message::Outbound>> messages;
  for (const auto& reminder : r.list)
    messages.push_back(deadlined::message::outbound_for(*r.loaded.config, reminder, r.now, false));
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    std::size_t at = i++ % r.list.size();
    for (const auto& m : messages[at]) {
      auto content = deadlined::message::content_of(*r.loaded.config, r.list[at], m, r.now);
      bytes += content.size();
      benchmark::DoNotOptimize(content);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

/// The journal's work per delivery of a burst, as the event loop does it: the confirmation
/// check and the attempt (committed 512 at a time), then the outcomes (256 at a time).
void journal_burst(benchmark::State& state) {
  namespace fs = std::filesystem;
  fs::path folder = fs::temp_directory_path() / ("deadlined-micro-" + std::to_string(::getpid()));
  fs::remove_all(folder);
  constexpr std::size_t k_burst = 10000;
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  std::size_t round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(folder);
    std::vector<deadlined::journal::DeliveryRecord> records;
    for (std::size_t i = 0; i < k_burst; ++i) {
      deadlined::journal::DeliveryRecord r;
      r.plan = "bench";
      r.task = "t" + std::to_string(1000000 + i);
      r.occurrence = "20261129";
      r.stage = "0s";
      r.unit = "u" + std::to_string(i % 50);
      r.reminder_key = r.plan + "." + r.task + "." + r.occurrence + "." + r.stage + "." + r.unit;
      r.channel = "webhook:hook";
      r.key = r.reminder_key + "/" + r.channel;
      r.scheduled_at = r.due_at = now;
      records.push_back(std::move(r));
    }
    {
      deadlined::journal::Journal journal(folder / "journal.db");
      state.ResumeTiming();
      for (std::size_t i = 0; i < k_burst; i += 512) {
        journal.begin();
        for (std::size_t j = i; j < std::min(k_burst, i + 512); ++j) {
          const auto& r = records[j];
          benchmark::DoNotOptimize(journal.is_confirmed({r.plan, r.task, r.occurrence, r.unit}));
          journal.mark_attempt(r, now);
        }
        journal.commit();
      }
      for (std::size_t i = 0; i < k_burst; i += 256) {
        journal.begin();
        std::vector<std::string> keys;
        for (std::size_t j = i; j < std::min(k_burst, i + 256); ++j)
          keys.push_back(records[j].key);
        journal.mark_delivered(keys, now);
        journal.commit();
      }
      state.PauseTiming();
    }
    ++round;
    state.ResumeTiming();
  }
  fs::remove_all(folder);
  state.SetItemsProcessed(static_cast<std::int64_t>(round * k_burst));
}

BENCHMARK(load)->Unit(benchmark::kMillisecond);
BENCHMARK(agenda)->Unit(benchmark::kMillisecond);
BENCHMARK(messages)->Unit(benchmark::kMicrosecond);
BENCHMARK(render)->Unit(benchmark::kMicrosecond);
BENCHMARK(journal_burst)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--config") == 0) {
      g_config = argv[i + 1];
      for (int j = i; j + 2 <= argc; ++j)
        argv[j] = argv[j + 2];
      argc -= 2;
      break;
    }
  }
  if (g_config.empty()) {
    std::cerr << "usage: deadlined_micro --config MAIN.toml [benchmark flags]\n";
    return 2;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
