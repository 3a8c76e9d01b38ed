#include <catch2/catch.hpp>

#include "message/document.hpp"

using namespace deadlined;

namespace {

config::Plan plan(std::string number, std::string title = "Thực hiện Tháng hành động") {
  config::Plan p;
  p.id = "p";
  p.number = std::move(number);
  p.title = std::move(title);
  return p;
}

}  // namespace

TEST_CASE("the document type comes from the number's type code", "[document]") {
  CHECK(message::document_kind(plan("125/QĐ-STNMT")) == "Quyết định");
  CHECK(message::document_kind(plan("12/KH-STNMT")) == "Kế hoạch");
  CHECK(message::document_kind(plan("45/BC-PMT")) == "Báo cáo");
  CHECK(message::document_kind(plan("03/CT-UBND")) == "Chỉ thị");
  CHECK(message::document_kind(plan("7/TTr-STNMT")) == "Tờ trình");
  // No type code: a Công văn.
  CHECK(message::document_kind(plan("812/STNMT-VP")) == "Công văn");
  CHECK(message::document_kind(plan("812")) == "Công văn");
  CHECK(message::document_kind(plan("")) == "Kế hoạch");
  // [plan] kind overrides it.
  auto p = plan("125/QĐ-STNMT");
  p.kind = "Thông báo kết luận";
  CHECK(message::document_kind(p) == "Thông báo kết luận");
}

TEST_CASE("a plan is cited by type, number with digits, date and a lower-case title",
          "[document]") {
  auto p = plan("125/QĐ-STNMT", "Ban hành Kế hoạch kiểm tra");
  p.date = date::local_days{date::year{2026} / 3 / 2};
  CHECK(message::plan_reference(p) ==
        "Quyết định số 125/QĐ-STNMT ngày 02/03/2026 về ban hành Kế hoạch kiểm tra");
  // The seed's draft number "/KH-STNMT" has no digits: never "số /KH-STNMT".
  CHECK(message::plan_reference(plan("/KH-STNMT")) == "Kế hoạch về thực hiện Tháng hành động");
  CHECK(message::plan_reference(plan("812/STNMT-VP", "Đôn đốc báo cáo")) ==
        "Công văn số 812/STNMT-VP về đôn đốc báo cáo");
}

TEST_CASE("the first letter is lowered for a word, not for an abbreviation", "[document]") {
  CHECK(message::lower_first("Thực hiện") == "thực hiện");
  CHECK(message::lower_first("Đôn đốc") == "đôn đốc");
  CHECK(message::lower_first("Ứng phó") == "ứng phó");
  CHECK(message::lower_first("Ảnh hưởng") == "ảnh hưởng");
  CHECK(message::lower_first("Ôn tập") == "ôn tập");
  CHECK(message::lower_first("UBND tỉnh") == "UBND tỉnh");
  CHECK(message::lower_first("HĐND tỉnh") == "HĐND tỉnh");
  CHECK(message::lower_first("thực hiện") == "thực hiện");
  CHECK(message::lower_first("“Tháng hành động”") == "“Tháng hành động”");
  CHECK(message::lower_first("") == "");
}
