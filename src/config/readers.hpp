#pragma once

// The readers of the main file's sections and of plan files: each reads its table into its
// section of ParsedConfig and reports what is wrong within it; nothing here looks at another
// section. Internal to config/.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "config/parsed.hpp"
#include "config/toml_reader.hpp"

namespace deadlined::config::detail {

/// [service]; `base_dir` is the main file's folder, against which state_dir resolves.
ServiceSection read_service(TableReader& top, const std::filesystem::path& base_dir);

/// The message templates of the folder `dir` (`[service] templates`, written at `where`):
/// each file a templating::text_files() name, checked against the names of its kind; null
/// after an error.
std::shared_ptr<const templating::Texts> read_texts(Reporter& reporter, const SourcePos& where,
                                                    const std::filesystem::path& dir);

/// Whether the main file's `workdays` is absent or a list of known day names: the weekly
/// pattern that holiday decisions are checked against.
bool valid_workdays(const toml::table& main_file);

/// The holiday decisions in the files that `service.holiday_globs` name, into
/// `service.values.decisions`, each checked against the weekly pattern when
/// `workdays_known` (a mistyped pattern would make every check a false alarm).
void read_holidays(ServiceSection& service, const std::filesystem::path& base_dir,
                   std::vector<Diagnostic>& diagnostics, bool workdays_known);

/// [email]; secret and CA files resolve against `base_dir`.
EmailSection read_email(TableReader& top, const std::filesystem::path& base_dir);

/// [http]; `enabled` is set when the section is a table.
HttpConfig read_http(TableReader& top, const std::filesystem::path& base_dir);

/// [webhooks.NAME] tables, by name.
std::map<std::string, WebhookConfig> read_webhooks(TableReader& top,
                                                   const std::filesystem::path& base_dir);

/// The request keys of one [webhooks.NAME] table (read_request.cpp): preset first, whose
/// defaults the other keys override.
void read_request(TableReader& reader, WebhookConfig& webhook,
                  const std::filesystem::path& base_dir);

/// `rate = "60/min"` (also N/s, N/h, N/d); nullopt and an error when it is not one.
std::optional<RateLimit> read_rate(TableReader& reader);
std::optional<RateLimit> parse_rate(std::string_view text);

/// [units.ID] tables, by id.
std::map<std::string, UnitSection> read_units(TableReader& top);

/// One [[task]] of a plan file; registers a valid id in `task_ids` (the ids of the plan file
/// so far, each with the line of its first task) and reports one already there.
TaskSection read_task(const toml::table& table, Reporter& reporter,
                      std::map<std::string, std::uint32_t>& task_ids);

/// One plan file, on its own: it reads nothing but `file` and shares no state, so that plan
/// files can be read in parallel.
PlanFile read_plan_file(const std::filesystem::path& file);

/// `leads` of a [service], [plan] or [[task]] table; nullopt when the key is absent.
std::optional<std::vector<Lead>> read_leads(TableReader& reader);

/// The chase keys of a [service], [plan] or [[task]] table.
ChaseKeys read_chase(TableReader& reader);

}  // namespace deadlined::config::detail
