#include "report/xlsx.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <xlsxwriter.h>

#include "report/export.hpp"

namespace deadlined::report {
namespace {

/// A temporary file, removed when it goes away: libxlsxwriter 1.1.4 (Debian 12) has no
/// in-memory output (`output_buffer` came in 1.1.5), so the workbook is written to a file
/// and read back.
class TempFile {
 public:
  TempFile() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "deadlined-report-XXXXXX").string();
    int fd = ::mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for the XLSX");
    ::close(fd);
    path_ = pattern;
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// The formats of the workbook.
struct Formats {
  lxw_format* title;
  lxw_format* header;
  lxw_format* text;
  lxw_format* count;
  lxw_format* rate;
  lxw_format* total_text;
  lxw_format* total_count;
  lxw_format* total_rate;
};

Formats formats_of(lxw_workbook* workbook) {
  auto cell = [&](bool bold) {
    lxw_format* f = workbook_add_format(workbook);
    format_set_border(f, LXW_BORDER_THIN);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    if (bold) format_set_bold(f);
    return f;
  };
  Formats f{};
  f.title = workbook_add_format(workbook);
  format_set_bold(f.title);
  f.header = cell(true);
  format_set_text_wrap(f.header);
  format_set_align(f.header, LXW_ALIGN_CENTER);
  format_set_bg_color(f.header, 0xDDEBF7);
  for (bool bold : {false, true}) {
    lxw_format* text = cell(bold);
    format_set_text_wrap(text);
    lxw_format* count = cell(bold);
    format_set_num_format(count, "0");
    lxw_format* rate = cell(bold);
    format_set_num_format(rate, "0.0%");
    (bold ? f.total_text : f.text) = text;
    (bold ? f.total_count : f.count) = count;
    (bold ? f.total_rate : f.rate) = rate;
  }
  return f;
}

/// Writes one row of figures: its id, its name, the counts and the rate.
void write_row(lxw_worksheet* sheet, lxw_row_t row, const std::string& id, const std::string& name,
               const Figures& figures, const Formats& f, bool total) {
  lxw_format* text = total ? f.total_text : f.text;
  lxw_format* count = total ? f.total_count : f.count;
  worksheet_write_string(sheet, row, 0, id.c_str(), text);
  worksheet_write_string(sheet, row, 1, name.c_str(), text);
  lxw_col_t col = 2;
  for (long n : {figures.assigned, figures.on_time, figures.late, figures.open, figures.overdue})
    worksheet_write_number(sheet, row, col++, static_cast<double>(n), count);
  lxw_format* rate_format = total ? f.total_rate : f.rate;
  if (auto rate = figures.on_time_rate())
    worksheet_write_number(sheet, row, col, *rate, rate_format);
  else
    worksheet_write_blank(sheet, row, col, rate_format);
}

/// A sheet with the heading lines, then the headers of a table; returns its first data row.
lxw_row_t begin_sheet(lxw_worksheet* sheet, const Report& report, const Formats& f,
                      std::string_view id_header, std::string_view name_header) {
  lxw_row_t row = 0;
  for (const std::string& line : heading_lines(report))
    worksheet_write_string(sheet, row++, 0, line.c_str(), f.title);
  ++row;
  worksheet_set_row(sheet, row, 45, nullptr);
  worksheet_write_string(sheet, row, 0, std::string(id_header).c_str(), f.header);
  worksheet_write_string(sheet, row, 1, std::string(name_header).c_str(), f.header);
  for (lxw_col_t col = 2; col < k_unit_headers.size(); ++col)
    worksheet_write_string(sheet, row, col, std::string(k_unit_headers[col]).c_str(), f.header);
  worksheet_set_column(sheet, 0, 0, 18, nullptr);
  worksheet_set_column(sheet, 1, 1, 45, nullptr);
  worksheet_set_column(sheet, 2, 7, 14, nullptr);
  worksheet_freeze_panes(sheet, row + 1, 0);
  return row + 1;
}

}  // namespace

std::string to_xlsx(const Report& report) {
  TempFile file;
  lxw_workbook* workbook = workbook_new(file.path().c_str());
  if (!workbook) throw std::runtime_error("cannot start an XLSX workbook");
  const Formats f = formats_of(workbook);

  lxw_worksheet* units = workbook_add_worksheet(workbook, "Theo đơn vị");
  lxw_row_t row = begin_sheet(units, report, f, k_unit_headers[0], k_unit_headers[1]);
  for (const UnitRow& unit : report.units)
    write_row(units, row++, unit.unit, unit.name, unit.figures, f, false);

  lxw_worksheet* plans = workbook_add_worksheet(workbook, "Theo kế hoạch");
  row = begin_sheet(plans, report, f, k_plan_headers[0], k_plan_headers[1]);
  for (const PlanRow& plan : report.plans)
    write_row(plans, row++, plan.plan, plan.title, plan.figures, f, false);
  write_row(plans, row, "", std::string(k_total_name), report.total, f, true);

  if (lxw_error error = workbook_close(workbook); error != LXW_NO_ERROR)
    throw std::runtime_error(std::string("cannot write the XLSX: ") + lxw_strerror(error));
  std::ifstream in(file.path(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) throw std::runtime_error("cannot read back the XLSX");
  return bytes;
}

}  // namespace deadlined::report
