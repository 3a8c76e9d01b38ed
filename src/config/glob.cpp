#include "config/glob.hpp"

#include <glob.h>

#include <algorithm>
#include <string>
#include <system_error>

#include "config/toml_reader.hpp"

namespace deadlined::config::detail {

namespace fs = std::filesystem;

std::vector<fs::path> expand_glob(const Written& pattern, std::string_view what,
                                  const fs::path& base_dir, std::set<fs::path>& seen,
                                  std::vector<Diagnostic>& diagnostics) {
  Reporter reporter(pattern.where.file, diagnostics);
  fs::path full = resolve_against(base_dir, pattern.text);
  glob_t matches{};
  int rc = ::glob(full.c_str(), GLOB_ERR, nullptr, &matches);
  std::vector<fs::path> files;
  for (std::size_t m = 0; rc == 0 && m < matches.gl_pathc; ++m)
    files.emplace_back(matches.gl_pathv[m]);
  globfree(&matches);
  if (rc == GLOB_ABORTED) {
    reporter.error(pattern.where, "không đọc được thư mục của mẫu '" + pattern.text + "' trong '" +
                                      std::string(what) + "'");
    return {};
  }
  if (files.empty()) {
    reporter.warning(pattern.where, "mẫu '" + pattern.text + "' trong '" + std::string(what) +
                                        "' không khớp với tệp nào");
    return {};
  }
  std::sort(files.begin(), files.end());
  std::vector<fs::path> out;
  for (const fs::path& file : files) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(file, ec);
    if (seen.insert(ec ? file : canonical).second) out.push_back(file);
  }
  return out;
}

}  // namespace deadlined::config::detail
