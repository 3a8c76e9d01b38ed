#include "cli/history.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/when.hpp"
#include "config/loader.hpp"
#include "journal/journal.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"
#include "schedule/schedule.hpp"
#include "util/utf8.hpp"

namespace deadlined::cli {
namespace {

/// The stage of an attempt as people read it, from the stage code its delivery row holds.
std::string stage_of(const config::Config& config, const journal::Attempt& a) {
  if (a.stage == "report")
    return a.task == "digest" ? "bản tổng hợp hằng ngày" : "báo cáo lỗi gửi tin";
  schedule::Reminder r;
  r.stage = a.stage;
  r.unit = config.find_unit(a.unit);
  if (a.stage.rfind("overdue-", 0) == 0) {
    r.kind = schedule::Reminder::Kind::overdue;
  } else if (a.stage.rfind("escalate-", 0) == 0) {
    r.kind = schedule::Reminder::Kind::escalation;
    r.recipient = config.find_unit(a.stage.substr(std::string_view("escalate-").size()));
    if (!r.recipient) return "báo cáo cấp trên";
  }
  return message::stage_label(r);
}

std::string_view outcome_code(const journal::Attempt& a) {
  return a.outcome ? std::string_view(*a.outcome) : std::string_view("pending");
}

std::string_view outcome_words(const journal::Attempt& a) {
  std::string_view code = outcome_code(a);
  if (code == "delivered") return "Đã gửi";
  if (code == "retry") return "Gửi lại";
  if (code == "failed") return "Không gửi được";
  return "Chưa có kết quả";
}

std::string channel_words(const std::string& channel) {
  if (channel == "email") return "Thư điện tử";
  if (channel.rfind("webhook:", 0) == 0) return "Webhook " + channel.substr(8);
  return channel;
}

/// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

/// One row as each format writes it, in the columns' order.
struct Line {
  std::vector<std::string> text, csv;
  nlohmann::ordered_json json;
};

Line line_of(const config::Config& config, const journal::Attempt& a) {
  const auto* zone = config.service.zone;
  const config::Unit* unit = config.find_unit(a.unit);
  std::string stage = stage_of(config, a);
  std::string iso = message::iso8601(zone, a.started_at);
  std::string address = a.address ? *a.address : "";
  Line l;
  l.text = {message::vn_time(zone, a.started_at) + " " + message::vn_date(zone, a.started_at),
            unit ? unit->name : a.unit,
            channel_words(a.channel),
            a.address ? *a.address : "(không được ghi lại)",
            stage,
            a.reminder_key,
            std::string(outcome_words(a)),
            a.error};
  l.csv = {iso,    a.unit, a.channel, address, stage, a.reminder_key, std::string(outcome_words(a)),
           a.error};
  l.json = {{"time", iso},
            {"unit", a.unit},
            {"channel", a.channel},
            {"address", a.address ? nlohmann::ordered_json(*a.address) : nullptr},
            {"stage", stage},
            {"key", a.reminder_key},
            {"outcome", outcome_code(a)},
            {"error", a.error.empty() ? nullptr : nlohmann::ordered_json(a.error)}};
  return l;
}

std::size_t width(std::string_view text) {
  return util::utf8_characters(text).size();
}

void print_table(const std::vector<Line>& lines) {
  const std::vector<std::string> header = {"Thời gian", "Đơn vị", "Kênh",    "Địa chỉ",
                                           "Lần nhắc",  "Mã tin", "Kết quả", "Lỗi"};
  std::vector<std::size_t> widths;
  for (const auto& h : header)
    widths.push_back(width(h));
  for (const Line& l : lines)
    for (std::size_t i = 0; i < l.text.size(); ++i)
      widths[i] = std::max(widths[i], width(l.text[i]));
  auto row = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      out += cells[i];
      if (i + 1 < cells.size()) out += std::string(widths[i] - width(cells[i]) + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ')
      out.pop_back();
    std::cout << out << '\n';
  };
  row(header);
  std::vector<std::string> rule;
  for (std::size_t w : widths)
    rule.push_back(std::string(w, '-'));
  row(rule);
  for (const Line& l : lines)
    row(l.text);
  std::cout << "Tổng cộng: " << lines.size() << " lần gửi.\n";
}

}  // namespace

int do_history(const std::string& config_file, const HistoryArgs& args) {
  auto loaded = config::load_config(config_file);
  for (const auto& d : loaded.diagnostics)
    std::cerr << d.to_string() << '\n';
  if (!loaded.config) return 1;
  const config::Config& config = *loaded.config;
  const auto* zone = config.service.zone;
  journal::AttemptFilter filter{args.plan, args.task, args.unit, std::nullopt, std::nullopt};
  if (!args.from.empty() && !(filter.from = parse_when(args.from, zone, false))) {
    std::cerr << "Lỗi: --from nhận ngày dạng YYYY-MM-DD hoặc ngày giờ ISO 8601 như "
                 "2020-11-03T08:00 hay 2020-11-03T08:00:00+07:00, không nhận '"
              << args.from << "'\n";
    return 2;
  }
  if (!args.to.empty() && !(filter.to = parse_when(args.to, zone, true))) {
    std::cerr << "Lỗi: --to nhận ngày dạng YYYY-MM-DD hoặc ngày giờ ISO 8601 như "
                 "2020-11-03T08:00 hay 2020-11-03T08:00:00+07:00, không nhận '"
              << args.to << "'\n";
    return 2;
  }
  if (filter.from && filter.to && *filter.to <= *filter.from) {
    std::cerr << "Lỗi: thời điểm --to phải sau thời điểm --from\n";
    return 2;
  }
  // Plans since removed from the config still have their history; a plan never configured
  // is a typo. "-" names the Office's own reports.
  const bool plan_known = args.plan.empty() || args.plan == "-" ||
                          std::any_of(config.plans.begin(), config.plans.end(),
                                      [&](const config::Plan& p) { return p.id == args.plan; });
  if (!plan_known) {
    std::cerr << "Lỗi: không có kế hoạch '" << args.plan << "' trong cấu hình " << config_file
              << "\n";
    return 1;
  }
  if (!args.unit.empty() && !config.find_unit(args.unit)) {
    std::cerr << "Lỗi: không có đơn vị '" << args.unit << "' trong cấu hình " << config_file
              << "\n";
    return 1;
  }
  const std::filesystem::path path = config.service.state_dir / "journal.sqlite";
  if (std::error_code ec; !std::filesystem::is_regular_file(path, ec)) {
    std::cerr << "Lỗi: không có nhật ký tại " << path.string()
              << ": dịch vụ chưa gửi tin nào, hoặc state_dir trong " << config_file
              << " không phải thư mục dịch vụ dùng\n";
    return 1;
  }
  std::vector<Line> lines;
  try {
    journal::Journal journal(path, journal::JournalOptions{std::chrono::milliseconds{5000}, true});
    for (const journal::Attempt& a : journal.attempts(filter))
      lines.push_back(line_of(config, a));
  } catch (const std::exception& e) {
    // Read-only, it upgrades nothing: a journal the daemon has not opened since an upgrade
    // has no attempts table yet.
    std::cerr << "Lỗi: không đọc được lịch sử gửi trong nhật ký " << path.string() << " ("
              << e.what()
              << "). Nếu dịch vụ chưa khởi động lại từ khi nâng cấp, hãy khởi động lại để "
                 "nhật ký được nâng cấp rồi chạy lại lệnh này\n";
    return 1;
  }
  if (args.format == "json") {
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    for (Line& l : lines)
      json.push_back(std::move(l.json));
    std::cout << json.dump(2) << '\n';
  } else if (args.format == "csv") {
    std::cout << "Thời gian,Đơn vị,Kênh,Địa chỉ,Lần nhắc,Mã tin,Kết quả,Lỗi\r\n";
    for (const Line& l : lines) {
      for (std::size_t i = 0; i < l.csv.size(); ++i)
        std::cout << (i ? "," : "") << csv_field(l.csv[i]);
      std::cout << "\r\n";
    }
  } else if (lines.empty()) {
    std::cout << "Không có lần gửi nào khớp điều kiện đã chọn.\n";
  } else {
    print_table(lines);
  }
  return 0;
}

}  // namespace deadlined::cli
