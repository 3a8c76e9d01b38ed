#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace deadlined::test {

/// A temporary folder, removed with everything in it when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "deadlined-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  /// Writes `text` to `relative` (creating folders) and returns the full path.
  std::filesystem::path write(const std::string& relative, const std::string& text) const {
    auto full = path_ / relative;
    std::filesystem::create_directories(full.parent_path());
    std::ofstream(full, std::ios::binary) << text;
    return full;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace deadlined::test
