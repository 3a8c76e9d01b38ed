// libFuzzer target: the config loader and validator, and the schedule and messages of any
// config it accepts. The input is a main file, optionally followed by a line "#--plan--" and
// one plan file (the main file should name it with plans = ["plans/*.toml"]).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "config/loader.hpp"
#include "message/outbound.hpp"
#include "schedule/schedule.hpp"

namespace {

const std::filesystem::path& work_dir() {
  static const std::filesystem::path dir = [] {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "deadlined-fuzz-XXXXXX").string();
    std::filesystem::path made = ::mkdtemp(pattern.data());
    std::filesystem::create_directories(made / "plans");
    return made;
  }();
  return dir;
}

void write(const std::filesystem::path& path, std::string_view text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(text.data(), static_cast<std::streamsize>(text.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr std::string_view k_separator = "\n#--plan--\n";
  auto split = input.find(k_separator);
  std::string_view main = input.substr(0, split);
  std::string_view plan = split == std::string_view::npos
                              ? std::string_view{}
                              : input.substr(split + k_separator.size());
  write(work_dir() / "main.toml", main);
  write(work_dir() / "plans" / "plan.toml", plan);

  auto result = deadlined::config::load_config(work_dir() / "main.toml");
  for (const auto& d : result.diagnostics)
    (void)d.to_string();
  if (!result.config) return 0;
  const auto& config = *result.config;
  // A window around the years the seeds use; recurring tasks add one occurrence per period.
  auto from = date::sys_days{date::year{2019} / 1 / 1};
  auto reminders = deadlined::schedule::reminders_between(config, from,
                                                          date::sys_days{date::year{2028} / 1 / 1});
  (void)deadlined::schedule::agenda_at(config, from + date::days{400}, std::chrono::seconds{60});
  std::size_t rendered = 0;
  for (const auto& r : reminders) {
    if (++rendered > 16) break;
    (void)deadlined::message::outbound_for(config, r, r.at, true);
  }
  return 0;
}
