#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>

#include "config/loader.hpp"

namespace deadlined::test {

/// The [units.*] tables most tests share: the Office vp and units a and b, each with one
/// address.
inline constexpr const char* k_units_vp_a_b =
    "[units.vp]\nname = \"Văn phòng\"\nemail = [\"vp@example.org\"]\n"
    "[units.a]\nname = \"Phòng A\"\nemail = [\"a@example.org\"]\n"
    "[units.b]\nname = \"Phòng B\"\nemail = [\"b@example.org\"]\n";

/// The config of `main`; the test fails, showing every diagnostic, when it does not load.
inline std::shared_ptr<const config::Config> load_or_fail(const std::filesystem::path& main) {
  auto loaded = config::load_config(main);
  for (const auto& d : loaded.diagnostics)
    UNSCOPED_INFO(d.to_string());
  REQUIRE(loaded.config);
  return loaded.config;
}

}  // namespace deadlined::test
