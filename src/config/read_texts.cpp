// `[service] templates`: the folder of an Office's message templates, each file checked
// against the names its kind offers, and kept in place of the shipped one.
#include <algorithm>
#include <system_error>

#include "config/readers.hpp"
#include "config/suggest.hpp"
#include "template/texts.hpp"

namespace deadlined::config::detail {

namespace fs = std::filesystem;

namespace {

SourcePos at(const fs::path& file, std::string_view source, std::size_t offset) {
  templating::LineCol lc = templating::line_col(source, offset);
  return {file.string(), static_cast<std::uint32_t>(lc.line),
          static_cast<std::uint32_t>(lc.column)};
}

std::vector<std::string_view> file_names() {
  std::vector<std::string_view> names;
  for (const templating::TextFile& f : templating::text_files())
    names.push_back(f.name);
  return names;
}

}  // namespace

std::shared_ptr<const templating::Texts> read_texts(Reporter& reporter, const SourcePos& where,
                                                    const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    reporter.error(where,
                   "không đọc được thư mục mẫu '" + dir.string() + "': " +
                       (fs::exists(dir, ec) ? "không phải là thư mục" : "thư mục không tồn tại"));
    return nullptr;
  }
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".mustache") files.push_back(entry.path());
  }
  if (ec) {
    reporter.error(where, "không đọc được thư mục mẫu '" + dir.string() + "': " + ec.message());
    return nullptr;
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, templating::Template, std::less<>> overrides;
  bool ok = true;
  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    const templating::TextFile* kind = templating::text_file(name);
    if (!kind) {
      // A misspelt name would silently leave the shipped text in force.
      reporter.error({file.string(), 0, 0},
                     "deadlined không dùng mẫu '" + name + "'" + did_you_mean(name, file_names()));
      ok = false;
      continue;
    }
    std::string error;
    auto source = read_text_file(file, error);
    if (!source) {
      reporter.error({file.string(), 0, 0}, "không đọc được tệp '" + file.string() + "': " + error);
      ok = false;
      continue;
    }
    auto compiled = templating::Template::compile(*source);
    if (auto* problem = std::get_if<templating::Problem>(&compiled)) {
      reporter.error(at(file, *source, problem->offset),
                     "mẫu " + std::string(kind->about) + ": " + problem->message);
      ok = false;
      continue;
    }
    auto& t = std::get<templating::Template>(compiled);
    if (auto unknown = t.unknown_name(*kind->names)) {
      reporter.error(at(file, *source, unknown->offset),
                     "mẫu " + std::string(kind->about) + ": " + unknown->message);
      ok = false;
      continue;
    }
    overrides.emplace(name, std::move(t));
  }
  if (!ok) return nullptr;
  return templating::Texts::with(std::move(overrides));
}

}  // namespace deadlined::config::detail
