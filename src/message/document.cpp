#include "message/document.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "message/time_format.hpp"
#include "util/utf8.hpp"

namespace deadlined::message {
namespace {

/// The type codes of Decree 30/2020/NĐ-CP, Appendix III (as we know them; not checked
/// against the Gazette text here, see docs/MESSAGES.md).
constexpr std::array<std::pair<std::string_view, std::string_view>, 27> k_types{{
    {"NQ", "Nghị quyết"},   {"QĐ", "Quyết định"},       {"CT", "Chỉ thị"},
    {"QC", "Quy chế"},      {"QyĐ", "Quy định"},        {"TC", "Thông cáo"},
    {"TB", "Thông báo"},    {"HD", "Hướng dẫn"},        {"CTr", "Chương trình"},
    {"KH", "Kế hoạch"},     {"PA", "Phương án"},        {"ĐA", "Đề án"},
    {"DA", "Dự án"},        {"BC", "Báo cáo"},          {"BB", "Biên bản"},
    {"TTr", "Tờ trình"},    {"HĐ", "Hợp đồng"},         {"CĐ", "Công điện"},
    {"BGN", "Bản ghi nhớ"}, {"BTT", "Bản thỏa thuận"},  {"GUQ", "Giấy ủy quyền"},
    {"GM", "Giấy mời"},     {"GGT", "Giấy giới thiệu"}, {"GNP", "Giấy nghỉ phép"},
    {"PG", "Phiếu gửi"},    {"PC", "Phiếu chuyển"},     {"PB", "Phiếu báo"},
}};

bool has_digit(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The code point of the UTF-8 sequence `s` (of its own length), and back.
char32_t decode(std::string_view s) {
  auto b = [&](std::size_t i) { return static_cast<char32_t>(static_cast<unsigned char>(s[i])); };
  switch (s.size()) {
    case 1:
      return b(0);
    case 2:
      return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3:
      return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default:
      return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

std::string encode(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

/// The lower case of a capital letter of Vietnamese; 0 for anything else.
char32_t lower_of(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 0x20;
  if (c >= 0xC0 && c <= 0xDD && c != 0xD7) return c + 0x20;  // À-Ý
  if (c == 0x102 || c == 0x110 || c == 0x128 || c == 0x168 || c == 0x1A0)
    return c + 1;                                              // Ă Đ Ĩ Ũ Ơ
  if (c == 0x1AF) return 0x1B0;                                // Ư
  if (c >= 0x1EA0 && c <= 0x1EF9 && c % 2 == 0) return c + 1;  // Ạ … Ỹ, capitals even
  return 0;
}

}  // namespace

std::string document_kind(const config::Plan& plan) {
  if (!plan.kind.empty()) return plan.kind;
  if (plan.number.empty()) return "Kế hoạch";
  auto slash = plan.number.find('/');
  if (slash == std::string::npos) return "Công văn";
  std::string_view code = std::string_view(plan.number).substr(slash + 1);
  code = code.substr(0, code.find('-'));
  for (const auto& [abbreviation, name] : k_types) {
    if (code == abbreviation) return std::string(name);
  }
  return "Công văn";
}

int occurrence_year(std::string_view occurrence) {
  if (occurrence.size() < 4) return 0;
  int year = 0;
  for (char c : occurrence.substr(0, 4)) {
    if (c < '0' || c > '9') return 0;
    year = year * 10 + (c - '0');
  }
  return year;
}

int citation_year(const config::Task& task, std::string_view occurrence) {
  return task.recurrence.kind == config::Recurrence::Kind::none ? 0 : occurrence_year(occurrence);
}

bool has_edition(const config::Plan& plan, int year) {
  return plan.has_edition(year);
}

Citation citation_of(const config::Config& config, const config::Plan& plan, int year) {
  Citation c;
  c.kind = document_kind(plan);
  c.issuer = plan.issuer.empty() ? config.service.organisation : plan.issuer;
  c.title = plan.title;
  auto take = [&](const std::string& number, const std::optional<config::LocalDays>& day,
                  bool month_only, const std::string& basis) {
    if (has_digit(number)) c.number = number;
    c.date = day;
    c.date_month_only = month_only;
    c.basis = basis;
  };
  for (const config::Edition& e : plan.editions) {
    if (year != 0 && e.year == year) {
      take(e.number, e.date, e.date_month_only, e.basis);
      return c;
    }
  }
  if (has_edition(plan, year)) take(plan.number, plan.date, plan.date_month_only, plan.basis);
  return c;
}

std::string plan_reference(const Citation& c) {
  std::string out = c.kind;
  if (!c.number.empty()) out += " số " + c.number;
  if (c.date) {
    if (c.date_month_only) {
      date::year_month_day ymd{*c.date};
      out += std::string(c.number.empty() ? " ban hành" : "") + " tháng " +
             std::to_string(static_cast<unsigned>(ymd.month())) + "/" +
             std::to_string(static_cast<int>(ymd.year()));
    } else {
      out += " ngày " + vn_date(*c.date);
    }
  }
  if (!c.issuer.empty()) out += " của " + c.issuer;
  // A title that begins "Về việc …" (as a Quyết định's does) is not given a second "về".
  std::string title = lower_first(c.title);
  out += title.rfind("về ", 0) == 0 ? " " + title : " về " + title;
  return out;
}

std::string plan_reference(const config::Plan& plan) {
  Citation c;
  c.kind = document_kind(plan);
  if (has_digit(plan.number)) c.number = plan.number;
  c.date = plan.date;
  c.date_month_only = plan.date_month_only;
  c.issuer = plan.issuer;
  c.title = plan.title;
  return plan_reference(c);
}

std::string lower_first(std::string_view text) {
  if (text.empty()) return {};
  auto characters = util::utf8_characters(text);
  std::size_t first = characters[0].size();
  std::size_t second = characters.size() > 1 ? characters[1].size() : 0;
  char32_t lower = lower_of(decode(text.substr(0, first)));
  // A second capital means an abbreviation (UBND, HĐND): left as written.
  if (lower == 0 || (second > 0 && lower_of(decode(text.substr(first, second))) != 0))
    return std::string(text);
  return encode(lower) + std::string(text.substr(first));
}

}  // namespace deadlined::message
