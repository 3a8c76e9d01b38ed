#include "config/phone.hpp"

#include <array>

// The Vietnamese mobile numbering plan, as checked on 2026-12-02 (sources are secondary
// unless marked; the texts of the legal instruments themselves were not read):
// - The national numbering plan is Circular 22/2014/TT-BTTTT of 22/12/2014 (Quy hoạch kho
//   số viễn thông), amended by Circular 27/2021/TT-BTTTT of 31/12/2021 (thuvienphapluat.vn
//   lists the amendment; its provisions on mobile codes were not verified).
// - Landline area codes became 02x in three phases in 2017 (MIC letter 1942/BTTTT-CVT of
//   06/6/2017; en.sggp.org.vn), freeing 03, 05, 07, 08 for mobile networks (vietnamnews.vn).
// - The Ministry announced the conversion of 11-digit mobile numbers on 29/5/2018 (lawnet.vn
//   dates the decision 25/5/2018; its number, often cited as 798/QĐ-BTTTT, is NOT verified).
//   It ran from 15/9/2018 (parallel dialling to 14/11/2018) to 30/6/2019; the last 7 digits
//   were kept and the code changed (mobifone.vn, operator; gsm.vn; plo.vn):
//   MobiFone 0120→070 0121→079 0122→077 0126→076 0128→078; VinaPhone 0123→083 0124→084
//   0125→085 0127→081 0129→082; Viettel 0162..0169→032..039; Vietnamobile 0186→056
//   0188→058; Gmobile 0199→059. The 10-digit 09x numbers (and 086, 088, 089) were unchanged.
// So a mobile number is 10 digits, 0 then 3, 5, 7, 8 or 9; every 03x..09x is taken as mobile
// (which codes of each range are assigned changes, so they are not checked one by one).
namespace deadlined::config {
namespace {

constexpr std::string_view kRule =
    "số di động Việt Nam có 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09";

// `written` to quote in a message: at most 40 bytes, a control byte or any byte outside
// ASCII that is not part of a well-formed character becomes '?'.
std::string quoted(std::string_view written) {
  std::string out;
  for (std::size_t at = 0; at < written.size() && out.size() < 40;) {
    const auto byte = static_cast<unsigned char>(written[at]);
    std::size_t length = byte >= 0xF0 && byte <= 0xF4   ? 4
                         : byte >= 0xE0 && byte <= 0xEF ? 3
                         : byte >= 0xC2 && byte <= 0xDF ? 2
                                                        : 1;
    bool whole = length <= written.size() - at;
    for (std::size_t i = 1; whole && i < length; ++i)
      whole = (static_cast<unsigned char>(written[at + i]) & 0xC0u) == 0x80u;
    if (length > 1 && whole) {
      out.append(written.substr(at, length));
      at += length;
    } else {
      out.push_back(byte >= 0x20 && byte < 0x7F ? static_cast<char>(byte) : '?');
      ++at;
    }
  }
  if (out.size() >= 40 && out.size() < written.size()) out += "...";
  return out;
}

std::optional<std::string> refuse(std::string_view written, std::string_view reason,
                                  std::string* why) {
  if (why) *why = "số điện thoại '" + quoted(written) + "' không hợp lệ: " + std::string(reason);
  return std::nullopt;
}

// The 10-digit code of an old 11-digit mobile number (0 + its 4-digit code), "" if none.
std::string_view converted_code(std::string_view old_code) {
  static constexpr std::array<std::array<std::string_view, 2>, 21> kConverted = {{
      {"0120", "070"}, {"0121", "079"}, {"0122", "077"}, {"0126", "076"}, {"0128", "078"},
      {"0123", "083"}, {"0124", "084"}, {"0125", "085"}, {"0127", "081"}, {"0129", "082"},
      {"0162", "032"}, {"0163", "033"}, {"0164", "034"}, {"0165", "035"}, {"0166", "036"},
      {"0167", "037"}, {"0168", "038"}, {"0169", "039"}, {"0186", "056"}, {"0188", "058"},
      {"0199", "059"},
  }};
  for (const auto& [from, to] : kConverted)
    if (from == old_code) return to;
  return {};
}

}  // namespace

std::optional<std::string> normalize_phone(std::string_view written, std::string* why) {
  std::string digits;
  bool plus = false;
  for (const char c : written) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == ' ' || c == '.' || c == '-') {
      continue;
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else {
      return refuse(written,
                    "chỉ được gồm chữ số, có thể nhóm bằng dấu cách, dấu chấm hoặc gạch "
                    "ngang, và có thể bắt đầu bằng +84; " +
                        std::string(kRule),
                    why);
    }
  }
  if (digits.empty()) return refuse(written, "không có chữ số nào; " + std::string(kRule), why);
  std::string national;  // with its leading 0
  if (digits.starts_with("84")) {
    // +84 or 84 instead of the 0; "+84 0912..." (the 0 kept after the country code) too.
    national = digits.substr(2);
    if (!national.starts_with('0')) national.insert(0, 1, '0');
  } else if (plus) {
    return refuse(written, "chỉ nhận mã quốc gia +84 của Việt Nam; " + std::string(kRule), why);
  } else if (digits.front() == '0') {
    national = digits;
  } else {
    return refuse(written, "phải bắt đầu bằng 0, +84 hoặc 84; " + std::string(kRule), why);
  }
  if (national.size() < 3)
    return refuse(
        written,
        "có " + std::to_string(national.size()) + " chữ số thay vì 10; " + std::string(kRule), why);
  const char network = national[1];
  if (network == '2')
    return refuse(written,
                  "đây là số điện thoại cố định (mã vùng 02x), không nhận được tin nhắn; " +
                      std::string(kRule),
                  why);
  if (network == '1') {
    std::string reason =
        "đầu số 01x không còn là của mạng di động: các thuê bao 11 chữ số đầu 01x đã được "
        "chuyển sang 10 chữ số từ năm 2018";
    const std::string_view to =
        national.size() == 11 ? converted_code(std::string_view(national).substr(0, 4)) : "";
    if (!to.empty())
      reason += " (đầu số " + national.substr(0, 4) + " đổi thành " + std::string(to) +
                ", số mới là " + std::string(to) + " " + national.substr(4) + ")";
    return refuse(written, reason + "; " + std::string(kRule), why);
  }
  const bool mobile_network =
      network == '3' || network == '5' || network == '7' || network == '8' || network == '9';
  if (!mobile_network)
    return refuse(written,
                  "đầu số 0" + std::string(1, network) + " không phải của mạng di động; " +
                      std::string(kRule),
                  why);
  if (national.size() != 10)
    return refuse(
        written,
        "có " + std::to_string(national.size()) + " chữ số thay vì 10; " + std::string(kRule), why);
  return "84" + national.substr(1);
}

}  // namespace deadlined::config
