// Microbenchmarks of the daemon's start-up work (Google Benchmark): loading a config and
// computing its agenda, separately, on a config made by bench/gen.py.
//
//   deadlined_micro --config DIR/main.toml [benchmark flags]
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>
#include <iostream>
#include <string>

#include "config/loader.hpp"
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

BENCHMARK(load)->Unit(benchmark::kMillisecond);
BENCHMARK(agenda)->Unit(benchmark::kMillisecond);

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
