#include <iostream>

#include "cli/ack.hpp"
#include "config/loader.hpp"
#include "http/extensions.hpp"
#include "journal/journal.hpp"
#include "message/time_format.hpp"
#include "schedule/assignment.hpp"
#include "schedule/extension.hpp"
#include "scheduler/clock.hpp"

namespace deadlined::cli {

int do_extend(const std::string& config_file, const AckArgs& args, const ExtendArgs& extend) {
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
  if (assignment.role != schedule::Role::responsible) {
    std::cerr << "Lỗi: " << assignment.unit->name << " (" << args.unit
              << ") phối hợp thực hiện nhiệm vụ này; chỉ gia hạn cho đơn vị chủ trì, thực "
                 "hiện\n";
    return 1;
  }
  std::optional<date::local_days> day;
  if (!extend.refuse) {
    day = schedule::parse_iso_day(extend.until);
    if (!day) {
      std::cerr << "Lỗi: ngày '" << extend.until
                << "' của --until không hợp lệ: ghi theo dạng YYYY-MM-DD, ví dụ 2026-12-15\n";
      return 1;
    }
  }
  auto path = daemon_journal(config, config_file);
  if (!path) return 1;
  journal::Journal journal(*path);
  if (journal.is_confirmed(id)) {
    std::cerr << "Lỗi: " << id.to_string()
              << " đã được xác nhận hoàn thành; mở lại (deadlined reopen) trước khi gia hạn\n";
    return 1;
  }
  const auto extensions = http::read_extensions(config, journal);
  const auto* zone = config.service.zone;
  const config::SysSeconds in_force = extensions->deadline(id, assignment.occurrence.due);
  journal::ExtensionEntry entry;
  entry.target = id;
  entry.note = args.note;
  entry.at = scheduler::system_now();
  entry.actor = "cli:" + operator_name();
  entry.origin = "cli";
  if (extend.refuse) {
    if (!extensions->pending_of(id)) {
      std::cerr << "Lỗi: " << id.to_string() << " không có đề nghị gia hạn nào đang chờ xử lý\n";
      return 1;
    }
    entry.action = journal::ExtensionEntry::Action::refuse;
  } else {
    if (std::string problem = schedule::extension_problem(config, in_force, *day);
        !problem.empty()) {
      std::cerr << "Lỗi: không thể gia hạn " << id.to_string() << ": " << problem << "\n";
      return 1;
    }
    entry.action = journal::ExtensionEntry::Action::approve;
    entry.until = date::format("%F", *day);
  }
  journal.record_extension(entry);
  if (extend.refuse) {
    std::cout << id.to_string() << ": đã ghi nhận không chấp thuận gia hạn; thời hạn vẫn là "
              << message::vn_time(zone, in_force) << " ngày " << message::vn_date(zone, in_force)
              << "\n";
  } else {
    const config::SysSeconds due = schedule::end_of_day(config, *day);
    std::cout << id.to_string() << ": đã gia hạn đến " << message::vn_time(zone, due) << " ngày "
              << message::vn_date(zone, due) << " (thời hạn trước đó "
              << message::vn_time(zone, in_force) << " ngày " << message::vn_date(zone, in_force)
              << "); dịch vụ đang chạy áp dụng trong vòng 10 giây và thông báo cho đơn vị\n";
  }
  return 0;
}

}  // namespace deadlined::cli
