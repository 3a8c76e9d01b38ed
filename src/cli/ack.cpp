#include "cli/ack.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "config/loader.hpp"
#include "journal/journal.hpp"
#include "message/time_format.hpp"
#include "schedule/assignment.hpp"
#include "scheduler/clock.hpp"

namespace deadlined::cli {
std::string operator_name() {
  for (const char* variable : {"SUDO_USER", "USER", "LOGNAME"}) {
    if (const char* value = std::getenv(variable); value && *value) return value;
  }
  return "uid " + std::to_string(::getuid());
}

std::optional<std::filesystem::path> daemon_journal(const config::Config& config,
                                                    const std::string& config_file) {
  // The CLI never creates a journal: one it did not find is not the daemon's, and what it
  // recorded there would never reach the daemon.
  const std::filesystem::path path = config.service.state_dir / "journal.sqlite";
  if (std::error_code ec; std::filesystem::is_regular_file(path, ec)) return path;
  std::cerr << "Lỗi: không có nhật ký tại " << path.string()
            << ": chưa ghi nhận gì. Dịch vụ giữ nhật ký trong state_dir; khi chạy bằng systemd, "
               "đó là /var/lib/deadlined (StateDirectory=) nếu không đặt state_dir: hãy đặt "
               "state_dir trong "
            << config_file << " hoặc chạy với STATE_DIRECTORY=/var/lib/deadlined\n";
  return std::nullopt;
}

std::string occurrence_id(const std::string& written) {
  // YYYY-MM-DD, as dates are written elsewhere, names the due day YYYYMMDD.
  bool date = written.size() == 10 && written[4] == '-' && written[7] == '-' &&
              std::all_of(written.begin(), written.end(),
                          [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
  if (!date) return written;
  return written.substr(0, 4) + written.substr(5, 2) + written.substr(8, 2);
}

int do_ack(const std::string& config_file, const AckArgs& args, bool confirm) {
  auto loaded = config::load_config(config_file);
  for (const auto& d : loaded.diagnostics)
    std::cerr << d.to_string() << '\n';
  if (loaded.omitted > 0) std::cerr << loaded.omitted_note() << '\n';
  if (!loaded.config) return 1;
  const config::Config& config = *loaded.config;
  const ids::AssignmentId id{args.plan, args.task, occurrence_id(args.occurrence), args.unit};
  auto resolved = schedule::resolve(config, id);
  if (const auto* unknown = std::get_if<schedule::UnknownAssignment>(&resolved)) {
    std::cerr << "Lỗi: " << unknown->message << "\n";
    return 1;
  }
  const schedule::Assignment& assignment = std::get<schedule::Assignment>(resolved);
  auto path = daemon_journal(config, config_file);
  if (!path) return 1;
  journal::Journal journal(*path);
  if (journal.is_confirmed(id) == confirm) {
    std::cout << id.to_string() << ": "
              << (confirm ? "đã xác nhận hoàn thành từ trước" : "vẫn đang mở (chưa xác nhận)")
              << "; không ghi nhận thêm\n";
    return 0;
  }
  journal::Confirmation entry{id,    confirm,  scheduler::system_now(), "cli:" + operator_name(),
                              "cli", args.note};
  journal.record(entry);
  const auto* zone = config.service.zone;
  std::cout << id.to_string() << ": "
            << (confirm ? "đã ghi nhận xác nhận hoàn thành" : "đã mở lại, đơn vị sẽ được nhắc tiếp")
            << " (hạn " << message::vn_time(zone, assignment.occurrence.due) << " ngày "
            << message::vn_date(zone, assignment.occurrence.due) << ")\n";
  return 0;
}

}  // namespace deadlined::cli
