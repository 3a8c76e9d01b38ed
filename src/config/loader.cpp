#include "config/loader.hpp"

#include <iterator>
#include <set>
#include <utility>

#include "config/check.hpp"
#include "config/glob.hpp"
#include "config/readers.hpp"
#include "config/resolve.hpp"
#include "util/parallel.hpp"

namespace deadlined::config {
namespace {

namespace fs = std::filesystem;
using namespace detail;

void append(std::vector<Diagnostic>& to, std::vector<Diagnostic>&& from) {
  std::move(from.begin(), from.end(), std::back_inserter(to));
}

/// The main file's sections and the holiday files; nullopt when the main file cannot be
/// parsed. Its toml++ document is freed on return.
std::optional<ParsedConfig> read_main_file(const fs::path& file,
                                           std::vector<Diagnostic>& diagnostics) {
  auto root = parse_file(file, diagnostics);
  if (!root) return std::nullopt;
  fs::path base_dir = file.parent_path();
  Reporter reporter(file.string(), diagnostics);
  TableReader top(*root, "tệp cấu hình chính", reporter);
  ParsedConfig parsed;
  parsed.file = file;
  // The order of the sections is the order in which "did you mean" looks at their names.
  parsed.service = read_service(top, base_dir);
  read_holidays(parsed.service, base_dir, diagnostics, valid_workdays(*root));
  parsed.email = read_email(top, base_dir);
  parsed.webhooks = read_webhooks(top, base_dir);
  parsed.http = read_http(top, base_dir);
  parsed.units = read_units(top);
  top.finish();
  return parsed;
}

/// The plan files the globs name, each read on its own and on every core; each toml++
/// document is freed once its plan is read, so that memory holds the plans plus a document
/// per core, not every document. The files keep the globs' order.
std::vector<PlanFile> read_plan_files(const std::vector<Written>& globs, const fs::path& base_dir,
                                      std::vector<Diagnostic>& diagnostics) {
  std::set<fs::path> seen_files;
  std::vector<fs::path> files;
  for (const Written& glob : globs) {
    for (fs::path& file : expand_glob(glob, "plans", base_dir, seen_files, diagnostics))
      files.push_back(std::move(file));
  }
  std::vector<PlanFile> read(files.size());
  util::parallel_for(files.size(), [&](std::size_t i) { read[i] = read_plan_file(files[i]); });
  return read;
}

/// Counts the errors of `result`'s diagnostics and keeps the first k_max_diagnostics.
LoadResult& capped(LoadResult& result) {
  for (const Diagnostic& d : result.diagnostics)
    result.errors += d.severity == Diagnostic::Severity::error;
  if (result.diagnostics.size() > k_max_diagnostics) {
    result.omitted = result.diagnostics.size() - k_max_diagnostics;
    result.diagnostics.resize(k_max_diagnostics);
  }
  return result;
}

}  // namespace

std::string LoadResult::omitted_note() const {
  if (omitted == 0) return {};
  return "còn " + std::to_string(omitted) + " vấn đề khác chưa hiển thị; tổng cộng " +
         std::to_string(errors) + " lỗi. Đề nghị sửa các lỗi trên rồi kiểm tra lại.";
}

LoadResult load_config(const std::filesystem::path& file, const LoadOptions& options) {
  LoadResult result;
  std::vector<Diagnostic> diagnostics;
  std::optional<ParsedConfig> parsed = read_main_file(file, diagnostics);
  if (!parsed) {
    result.diagnostics = in_reading_order(std::move(diagnostics));
    return capped(result);
  }
  std::vector<PlanFile> plan_files =
      read_plan_files(parsed->service.plan_globs, file.parent_path(), diagnostics);
  for (PlanFile& one : plan_files) {
    if (one.plan) parsed->plans.push_back(std::move(*one.plan));
  }

  // Each file's problems are listed after those of the files read before it, as they were
  // found: the cross references of a plan file after what reading it found.
  CrossReferenceProblems problems = check(*parsed);
  append(diagnostics, std::move(problems.main));
  std::size_t plan = 0;
  for (PlanFile& one : plan_files) {
    append(diagnostics, std::move(one.diagnostics));
    if (one.plan) append(diagnostics, std::move(problems.plans[plan++]));
  }
  append(diagnostics, std::move(problems.escalations));

  if (!has_errors(diagnostics)) {
    std::vector<SourcePos> plan_where;
    for (const PlanSection& one : parsed->plans)
      plan_where.push_back(one.where);
    auto config = std::make_shared<const Config>(resolve(std::move(*parsed)));
    if (options.now) {
      append(diagnostics, past_deadlines(*config, plan_where, *options.now));
      append(diagnostics, missing_editions(*config, plan_where, *options.now));
    }
    result.config = std::move(config);
  }
  result.diagnostics = in_reading_order(std::move(diagnostics));
  return capped(result);
}

}  // namespace deadlined::config
