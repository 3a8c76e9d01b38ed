#include "report/export.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>

#include "message/time_format.hpp"
#include "util/utf8.hpp"

namespace deadlined::report {
namespace {

/// One row of a table as text cells: the name, then the figures.
std::vector<std::string> figure_cells(const Figures& f) {
  return {std::to_string(f.assigned), std::to_string(f.on_time), std::to_string(f.late),
          std::to_string(f.open),     std::to_string(f.overdue), percent_text(f.on_time_rate())};
}

/// A table of the terminal: columns as wide as their widest cell (in characters), the
/// first two left-aligned, the figures right-aligned.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers) { rows_.push_back(std::move(headers)); }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void rule() { rules_.push_back(rows_.size()); }

  std::string str() const {
    std::vector<std::size_t> widths(rows_.front().size(), 0);
    for (const auto& row : rows_)
      for (std::size_t i = 0; i < row.size(); ++i)
        widths[i] = std::max(widths[i], width(row[i]));
    std::size_t total = 0;
    for (std::size_t w : widths)
      total += w + 2;
    std::string line(total, '-');
    std::string out = line + "\n";
    for (std::size_t r = 0; r < rows_.size(); ++r) {
      if (std::find(rules_.begin(), rules_.end(), r) != rules_.end()) out += line + "\n";
      const auto& row = rows_[r];
      std::string text;
      for (std::size_t i = 0; i < row.size(); ++i) {
        std::string pad(widths[i] - width(row[i]), ' ');
        text += i < 2 ? row[i] + pad : pad + row[i];
        if (i + 1 < row.size()) text += "  ";
      }
      while (!text.empty() && text.back() == ' ')
        text.pop_back();
      out += text + "\n";
      if (r == 0) out += line + "\n";
    }
    return out + line + "\n";
  }

 private:
  static std::size_t width(const std::string& text) { return util::utf8_characters(text).size(); }

  std::vector<std::vector<std::string>> rows_;
  std::vector<std::size_t> rules_;
};

const std::vector<std::string> k_text_figure_headers{
    "Đến hạn", "HT đúng hạn", "HT quá hạn", "Đang thực hiện", "Quá hạn", "Tỷ lệ đúng hạn"};

std::vector<std::string> text_row(std::string number, std::string name, const Figures& f) {
  std::vector<std::string> row{std::move(number), std::move(name)};
  for (auto& cell : figure_cells(f))
    row.push_back(std::move(cell));
  return row;
}

std::vector<std::string> text_headers(std::string what) {
  std::vector<std::string> row{"STT", std::move(what)};
  row.insert(row.end(), k_text_figure_headers.begin(), k_text_figure_headers.end());
  return row;
}

/// A field of RFC 4180: quoted when it holds a comma, a quote or a line break.
std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string rate_decimal(std::optional<double> rate) {
  if (!rate) return "";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", *rate);
  return buffer;
}

void csv_line(std::string& out, std::string_view id, std::string_view name, const Figures& f) {
  out += csv_field(id) + ',' + csv_field(name);
  for (long n : {f.assigned, f.on_time, f.late, f.open, f.overdue})
    out += ',' + std::to_string(n);
  out += ',' + rate_decimal(f.on_time_rate()) + "\r\n";
}

}  // namespace

std::string percent_text(std::optional<double> rate) {
  if (!rate) return std::string(k_no_rate);
  long tenths = std::lround(*rate * 1000.0);
  return std::to_string(tenths / 10) + "," + std::to_string(tenths % 10) + "%";
}

std::vector<std::string> heading_lines(const Report& report) {
  const auto* zone = report.zone;
  std::vector<std::string> lines{"BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ"};
  lines.push_back("Kỳ báo cáo: từ ngày " + message::vn_date(zone, report.from) + " đến ngày " +
                  message::vn_date(zone, report.to - std::chrono::seconds{1}));
  if (report.plan && !report.plans.empty())
    lines.push_back("Kế hoạch: " + report.plans.front().title + " (" + report.plans.front().plan +
                    ")");
  lines.push_back("Số liệu tính đến " + message::vn_time(zone, report.now) + " ngày " +
                  message::vn_date(zone, report.now));
  return lines;
}

std::string to_text(const Report& report) {
  std::string out;
  for (const std::string& line : heading_lines(report))
    out += line + "\n";
  out += "\n";
  out += "I. THEO ĐƠN VỊ\n";
  TextTable units(text_headers("Đơn vị"));
  std::size_t n = 0;
  for (const UnitRow& row : report.units)
    units.add(text_row(std::to_string(++n), row.name, row.figures));
  units.rule();
  units.add(text_row("", std::string(k_total_name), report.total));
  out += units.str() + "\n";

  out += "II. THEO KẾ HOẠCH\n";
  TextTable plans(text_headers("Kế hoạch"));
  n = 0;
  for (const PlanRow& row : report.plans)
    plans.add(text_row(std::to_string(++n), row.title, row.figures));
  plans.rule();
  plans.add(text_row("", std::string(k_total_name), report.total));
  out += plans.str() + "\n";

  out +=
      "Ghi chú: HT: hoàn thành; nhiệm vụ đến hạn là phần việc của từng đơn vị có hạn (kể cả "
      "hạn đã gia hạn) trong kỳ báo cáo; tỷ lệ đúng hạn = số hoàn thành đúng hạn / số đến "
      "hạn; \"" +
      std::string(k_no_rate) + "\": không có nhiệm vụ đến hạn.\n";
  return out;
}

std::string to_csv(const Report& report) {
  // The byte order mark makes Excel read the file as UTF-8: without it, it takes the
  // system's code page and the Vietnamese letters come out garbled.
  std::string out = "\xEF\xBB\xBF";
  for (std::size_t i = 0; i < k_unit_headers.size(); ++i)
    out += (i ? "," : "") + csv_field(k_unit_headers[i]);
  out += "\r\n";
  for (const UnitRow& row : report.units)
    csv_line(out, row.unit, row.name, row.figures);
  out += "\r\n";
  out += csv_field(k_plan_headers[0]) + ',' + csv_field(k_plan_headers[1]);
  for (std::size_t i = 2; i < k_unit_headers.size(); ++i)
    out += ',' + csv_field(k_unit_headers[i]);
  out += "\r\n";
  for (const PlanRow& row : report.plans)
    csv_line(out, row.plan, row.title, row.figures);
  csv_line(out, "", k_total_name, report.total);
  return out;
}

std::string to_json(const Report& report) {
  nlohmann::ordered_json units = nlohmann::ordered_json::array();
  for (const UnitRow& row : report.units) {
    const Figures& f = row.figures;
    auto rate = f.on_time_rate();
    units.push_back({{"unit", row.unit},
                     {"unit_name", row.name},
                     {"assigned", f.assigned},
                     {"on_time", f.on_time},
                     {"late", f.late},
                     {"open", f.open},
                     {"overdue", f.overdue},
                     {"on_time_rate", rate ? nlohmann::ordered_json(*rate) : nullptr}});
  }
  return units.dump(2) + "\n";
}

}  // namespace deadlined::report
