// `check` in Vietnamese, naming the fix for the likely mistakes (issue 16, point 13).

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "config/loader.hpp"
#include "config/suggest.hpp"
#include "support/temp_dir.hpp"

using deadlined::config::Diagnostic;
using deadlined::config::load_config;
using deadlined::config::LoadOptions;
using deadlined::test::TempDir;
namespace detail = deadlined::config::detail;

namespace {

const std::string k_main =
    "[service]\n"                              // 1
    "plans = [\"plans/*.toml\"]\n"             // 2
    "monitor = \"vp\"\n"                       // 3
    "\n"                                       // 4
    "[email]\n"                                // 5
    "transport = \"maildir\"\n"                // 6
    "from = \"Văn phòng <vp@example.org>\"\n"  // 7
    "\n"                                       // 8
    "[units.vp]\n"                             // 9
    "name = \"Văn phòng\"\n"                   // 10
    "email = [\"vp@example.org\"]\n"           // 11
    "\n"                                       // 12
    "[units.phong-moi-truong]\n"               // 13
    "name = \"Phòng Môi trường\"\n"            // 14
    "email = [\"mt@example.org\"]\n";          // 15

const std::string k_plan_head =
    "[plan]\n"                // 1
    "id = \"p\"\n"            // 2
    "title = \"Kế hoạch\"\n"  // 3
    "\n"                      // 4
    "[[task]]\n"              // 5
    "id = \"t1\"\n";          // 6

std::vector<std::string> texts(const std::vector<Diagnostic>& diagnostics, const TempDir& dir) {
  std::vector<std::string> out;
  std::string prefix = dir.path().string() + "/";
  for (const auto& d : diagnostics) {
    std::string text = d.to_string();
    if (text.rfind(prefix, 0) == 0) text = text.substr(prefix.size());
    out.push_back(text);
  }
  return out;
}

/// The diagnostics of loading `main` with `plan` as plans/p.toml.
std::vector<std::string> check(const std::string& main, const std::string& plan,
                               const LoadOptions& options = {}) {
  TempDir dir;
  dir.write("plans/p.toml", plan);
  return texts(load_config(dir.write("main.toml", main), options).diagnostics, dir);
}

deadlined::config::SysSeconds at(const char* text) {
  std::istringstream in(text);
  deadlined::config::SysSeconds out;
  in >> date::parse("%FT%T%Ez", out);
  REQUIRE_FALSE(in.fail());
  return out;
}

}  // namespace

TEST_CASE("Vietnamese letters fold to ASCII, precomposed or decomposed", "[check_vi]") {
  CHECK(detail::fold_diacritics("phòng-môi-trường") == "phong-moi-truong");
  CHECK(detail::fold_diacritics("Đội Quản lý đô thị") == "Doi Quan ly do thi");
  CHECK(detail::fold_diacritics("ẮẰẲẴẶ ữựỳỵ") == "AAAAA uuyy");
  // NFD: o, U+0302 (circumflex), U+0300 (grave).
  CHECK(detail::fold_diacritics("mo\xcc\x82\xcc\x80i") == "moi");
  CHECK(detail::fold_diacritics("“x” 中") == "“x” 中");
  CHECK(detail::id_from("Phòng Kế hoạch") == "Phong-Ke-hoach");
}

TEST_CASE("the closest configured name is found without diacritics", "[check_vi]") {
  std::vector<std::string_view> units = {"vp", "phong-tnmt", "phong-moi-truong"};
  CHECK(detail::closest("phòng-môi-trường", units) == "phong-moi-truong");
  CHECK(detail::closest("phong-moi-truon", units) == "phong-moi-truong");
  CHECK(detail::closest("so-tai-chinh", units) == std::nullopt);
  CHECK(detail::did_you_mean("phòng-tnmt", units) == "; có phải là 'phong-tnmt'?");
  CHECK(detail::did_you_mean("xyz", units).empty());
}

TEST_CASE("an unquoted dd/mm/yyyy date is to be written year-month-day", "[check_vi]") {
  CHECK(check(k_main, k_plan_head + "title = \"Báo cáo\"\nresponsible = [\"vp\"]\n"
                                    "due = 04/11/2020\n") ==
        std::vector<std::string>{
            "plans/p.toml:9:9: error: ngày '04/11/2020' phải viết theo thứ tự năm-tháng-ngày và "
            "không đặt trong dấu ngoặc kép: due = 2020-11-04"});
  CHECK(check(k_main, k_plan_head + "due = 4-11-2020\n") ==
        std::vector<std::string>{
            "plans/p.toml:7:8: error: ngày '4-11-2020' phải viết theo thứ tự năm-tháng-ngày và "
            "không đặt trong dấu ngoặc kép: due = 2020-11-04"});
  CHECK(check(k_main, k_plan_head + "due = 2020-11-4\n") ==
        std::vector<std::string>{
            "plans/p.toml:7:16: error: ngày '2020-11-4' phải viết theo thứ tự năm-tháng-ngày và "
            "không đặt trong dấu ngoặc kép: due = 2020-11-04"});
}

TEST_CASE("Word's curly quotes are to be straight quotes", "[check_vi]") {
  CHECK(check(k_main, k_plan_head + "title = “Báo cáo kết quả”\n") ==
        std::vector<std::string>{
            "plans/p.toml:7:9: error: giá trị đặt trong dấu ngoặc kép cong (“ ”, thường do Word "
            "tự đổi); dùng dấu ngoặc kép thẳng \": title = \"Báo cáo kết quả\""});
  // The column counts characters, not bytes: "ố" before the quote is one, not three.
  CHECK(check(k_main, k_plan_head + "responsible = [\"ố\", “vp”]\n") ==
        std::vector<std::string>{
            "plans/p.toml:7:21: error: giá trị đặt trong dấu ngoặc kép cong (“ ”, thường do Word "
            "tự đổi); dùng dấu ngoặc kép thẳng \": responsible = [\"ố\", \"vp\"]"});
}

TEST_CASE("a string left open is named as such", "[check_vi]") {
  const std::string expected =
      "plans/p.toml:7:17: error: chuỗi chưa được đóng trên dòng này: thiếu dấu ngoặc kép \" ở "
      "cuối giá trị; một chuỗi phải mở và đóng trên cùng một dòng (văn bản nhiều dòng viết "
      "trong \"\"\" … \"\"\")";
  CHECK(check(k_main, k_plan_head + "title = \"Báo cáo\nresponsible = [\"vp\"]\n") ==
        std::vector<std::string>{expected});
  CHECK(check(k_main, k_plan_head + "title = \"Báo cáo\r\nresponsible = [\"vp\"]\r\n") ==
        std::vector<std::string>{expected});
  CHECK(check(k_main, k_plan_head + "title = \"Báo cáo") == std::vector<std::string>{expected});
}

TEST_CASE("an unquoted text is to be quoted", "[check_vi]") {
  CHECK(check(k_main, k_plan_head + "title = Báo cáo\n") ==
        std::vector<std::string>{
            "plans/p.toml:7:9: error: văn bản phải đặt trong dấu ngoặc kép thẳng \": title = "
            "\"Báo cáo\""});
}

TEST_CASE("an id with diacritics is to be written without them", "[check_vi]") {
  CHECK(check(k_main + "\n[units.phòng-môi-trường]\nname = \"X\"\n", k_plan_head) ==
        std::vector<std::string>{
            "main.toml:17:10: error: mã và tên khóa chỉ viết bằng chữ cái không dấu, chữ số, "
            "'-' và '_': viết [units.phong-moi-truong]"});
  CHECK(check(k_main + "\n[units]\nphòng-kế-hoạch = { name = \"X\" }\n", k_plan_head) ==
        std::vector<std::string>{
            "main.toml:18:3: error: mã và tên khóa chỉ viết bằng chữ cái không dấu, chữ số, "
            "'-' và '_': viết phong-ke-hoach = { name = \"X\" }"});
  // Quoted, it parses; the id is refused with the id to write.
  CHECK(check(k_main + "\n[units.\"phòng kế hoạch\"]\nname = \"X\"\nemail = [\"x@example.org\"]\n",
              k_plan_head + "title = \"T\"\nresponsible = [\"vp\"]\ndue = 2020-11-04\n") ==
        std::vector<std::string>{
            "main.toml:17:8: error: mã đơn vị 'phòng kế hoạch' không hợp lệ: mã chỉ gồm chữ cái "
            "không dấu, chữ số, '-' và '_'; viết 'phong-ke-hoach'"});
}

TEST_CASE("an unknown unit suggests the configured id it most likely means", "[check_vi]") {
  CHECK(check(k_main, k_plan_head + "title = \"T\"\nresponsible = [\"phòng-môi-trường\"]\n"
                                    "coordinating = [\"vpp\", \"so-tai-chinh\"]\n"
                                    "due = 2020-11-04\n") ==
        std::vector<std::string>{
            "plans/p.toml:8:16: error: nhiệm vụ 't1' nêu đơn vị 'phòng-môi-trường' chưa được khai "
            "báo trong [units]; có phải là 'phong-moi-truong'?",
            "plans/p.toml:9:17: error: nhiệm vụ 't1' nêu đơn vị 'vpp' chưa được khai báo trong "
            "[units]; có phải là 'vp'?",
            "plans/p.toml:9:24: error: nhiệm vụ 't1' nêu đơn vị 'so-tai-chinh' chưa được khai báo "
            "trong [units]"});
}

TEST_CASE("the generic messages read in Vietnamese with a Vietnamese context", "[check_vi]") {
  std::string main = k_main;
  main.replace(main.find("monitor = \"vp\"\n"), 15,
               "monitor = 3\nsend_tme = \"8:00\"\nretry_max = \"5 phút\"\n");
  CHECK(check(main, k_plan_head + "title = \"T\"\nresponsible = [\"vp\"]\ndue = 2020-11-04\n") ==
        std::vector<std::string>{
            "main.toml:3:11: error: 'monitor' trong [service] phải là chuỗi, không phải số "
            "nguyên",
            "main.toml:4:1: error: deadlined không dùng khóa 'send_tme' trong [service]; có phải "
            "là 'send_time'?",
            "main.toml:5:13: error: khoảng thời gian của 'retry_max' trong [service] không hợp "
            "lệ: viết một số dương và đơn vị s (giây), m (phút), h (giờ) hoặc d (ngày), ví dụ "
            "\"30s\""});
}

TEST_CASE("check warns of a one-off deadline already past", "[check_vi]") {
  const std::string plan = k_plan_head +
                           "title = \"T\"\nresponsible = [\"vp\"]\ndue = 2020-11-04\n"
                           "\n[[task]]\nid = \"t2\"\ntitle = \"T\"\nresponsible = [\"vp\"]\n"
                           "before = 2020-11-09\n"
                           "\n[[task]]\nid = \"t3\"\ntitle = \"T\"\nresponsible = [\"vp\"]\n"
                           "due = 2020-11-05T10:00:00\n";
  CHECK(check(k_main, plan, LoadOptions{at("2020-11-05T12:00:00+07:00")}) ==
        std::vector<std::string>{
            "plans/p.toml:1:1: warning: hạn của nhiệm vụ 't1' (17:00 ngày 04/11/2020) đã qua: "
            "nhiệm vụ không còn được nhắc trước hạn; đề nghị kiểm tra lại 'due' hoặc bỏ nhiệm vụ "
            "đã hoàn thành khỏi kế hoạch",
            "plans/p.toml:1:1: warning: hạn của nhiệm vụ 't3' (10:00 ngày 05/11/2020) đã qua: "
            "nhiệm vụ không còn được nhắc trước hạn; đề nghị kiểm tra lại 'due' hoặc bỏ nhiệm vụ "
            "đã hoàn thành khỏi kế hoạch"});
  // `before = 2020-11-09` (a Monday) ends at 17:00 on Friday 06/11.
  CHECK(check(k_main, plan, LoadOptions{at("2020-11-06T17:00:01+07:00")}).size() == 3);
  CHECK(check(k_main, plan, LoadOptions{at("2020-11-04T16:59:59+07:00")}).empty());
  CHECK(check(k_main, plan).empty());
}

TEST_CASE("a date-only deadline on a rest day is past only after the next working day",
          "[check_vi]") {
  // 07/11/2020 is a Saturday: the deadline is 17:00 on Monday 09/11.
  const std::string plan =
      k_plan_head + "title = \"T\"\nresponsible = [\"vp\"]\ndue = 2020-11-07\n";
  CHECK(check(k_main, plan, LoadOptions{at("2020-11-08T12:00:00+07:00")}).empty());
  CHECK(check(k_main, plan, LoadOptions{at("2020-11-09T17:00:01+07:00")}).size() == 1);
}

TEST_CASE("invalid workdays add no holiday warnings", "[check_vi]") {
  TempDir dir;
  dir.write("plans/p.toml", k_plan_head +
                                "title = \"T\"\nresponsible = [\"vp\"]\n"
                                "due = 2030-11-04\n");
  // Quốc khánh 2026 falls on a Wednesday; with no valid day in the pattern it would seem to
  // fall on a rest day without a compensatory day.
  dir.write("holidays/h.toml",
            "[[decision]]\nyear = 2026\noccasion = \"quoc-khanh\"\nsource = \"Thông báo\"\n"
            "off = [2026-09-01, 2026-09-02]\n");
  std::string main = k_main;
  main.replace(
      main.find("monitor = \"vp\"\n"), 15,
      "monitor = \"vp\"\nworkdays = [\"thứ 2\", \"T3\", \"fry\"]\nholidays = [\"holidays/*.toml\"]"
      "\n");
  CHECK(texts(load_config(dir.write("main.toml", main)).diagnostics, dir) ==
        std::vector<std::string>{
            "main.toml:4:13: error: ngày trong tuần 'thứ 2' không hợp lệ: dùng mon, tue, wed, "
            "thu, fri, sat hoặc sun; 'thứ 2' viết là 'mon'",
            "main.toml:4:22: error: ngày trong tuần 'T3' không hợp lệ: dùng mon, tue, wed, thu, "
            "fri, sat hoặc sun; 'T3' viết là 'tue'",
            "main.toml:4:28: error: ngày trong tuần 'fry' không hợp lệ: dùng mon, tue, wed, thu, "
            "fri, sat hoặc sun; có phải là 'fri'?"});
}

TEST_CASE("the generic messages read with a context built in Vietnamese", "[check_vi]") {
  TempDir dir;
  dir.write("plans/p.toml", k_plan_head +
                                "title = \"T\"\nresponsible = [\"vp\"]\n"
                                "due = 2030-11-04\n");
  dir.write("holidays/h.toml",
            "[[decision]]\nyear = 2026\noccasion = \"quoc-khanh\"\nsource = \"Thông báo\"\n"
            "off = [{ from = 2026-09-01 }, { from = 2026-09-01, to = \"2/9\", ngay = 1 }]\n");
  std::string main = k_main;
  main.replace(main.find("monitor = \"vp\"\n"), 15,
               "monitor = \"vp\"\nholidays = [\"holidays/*.toml\"]\n");
  CHECK(texts(load_config(dir.write("main.toml", main)).diagnostics, dir) ==
        std::vector<std::string>{
            "holidays/h.toml:5:8: error: thiếu khóa bắt buộc 'to' trong khoảng ngày của 'off' ở "
            "[[decision]]",
            "holidays/h.toml:5:57: error: 'to' trong khoảng ngày của 'off' ở [[decision]] phải "
            "là ngày, ví dụ 2026-09-02, không phải chuỗi",
            "holidays/h.toml:5:64: error: deadlined không dùng khóa 'ngay' trong khoảng ngày của "
            "'off' ở [[decision]]"});
}

TEST_CASE("other likely mistakes name their fix", "[check_vi]") {
  auto main_error = [](const std::string& lines) {
    std::string main = k_main;
    main.replace(main.find("monitor = \"vp\"\n"), 15, "monitor = \"vp\"\n" + lines);
    auto out = check(main, k_plan_head +
                               "title = \"T\"\nresponsible = [\"vp\"]\n"
                               "due = 2030-11-04\n");
    return out.empty() ? std::string() : out.front();
  };
  CHECK(main_error("bundle = yes\n") ==
        "main.toml:4:10: error: giá trị đúng/sai viết true hoặc false, bằng chữ thường và không "
        "đặt trong dấu ngoặc kép: bundle = true");
  CHECK(main_error("digest = Không\n") ==
        "main.toml:4:10: error: giá trị đúng/sai viết true hoặc false, bằng chữ thường và không "
        "đặt trong dấu ngoặc kép: digest = false");
  CHECK(main_error("send_time = 8:00\n") ==
        "main.toml:4:14: error: giờ phải đặt trong dấu ngoặc kép: send_time = \"8:00\"");
  CHECK(main_error("leads = [7d, \"3wd\", 1d]\n") ==
        "main.toml:4:11: error: thời hạn như \"7d\", \"3wd\", \"30s\" phải đặt trong dấu ngoặc "
        "kép: leads = [\"7d\", \"3wd\", \"1d\"]");
  CHECK(main_error("retry_max = 30m # nửa giờ\n") ==
        "main.toml:4:15: error: thời hạn như \"7d\", \"3wd\", \"30s\" phải đặt trong dấu ngoặc "
        "kép: retry_max = \"30m\"");
  CHECK(main_error("send time = \"8:00\"\n") ==
        "main.toml:4:6: error: thiếu dấu '=' giữa tên khóa và giá trị (tên khóa không có khoảng "
        "trắng), ví dụ title = \"Báo cáo\"");
  CHECK(main_error("plans = [\"a\"]\n") ==
        "main.toml:4:9: error: khóa 'plans' đã được ghi ở trên trong cùng bảng; mỗi khóa chỉ "
        "được ghi một lần");
  CHECK(check(k_main + "\n[units.vp]\nname = \"Văn phòng\"\n", k_plan_head) ==
        std::vector<std::string>{
            "main.toml:17:1: error: bảng [units.vp] đã được khai báo ở trên; mỗi bảng chỉ khai "
            "báo một lần (ghi các khóa vào bảng đã có)"});
  CHECK(check(k_main, k_plan_head + "responsible = [\"vp\" \"a\"]\n") ==
        std::vector<std::string>{
            "plans/p.toml:7:21: error: các phần tử của mảng phải cách nhau bằng dấu phẩy, ví dụ "
            "[\"a\", \"b\"]"});
  CHECK(check(k_main + "\n[units.phòng-a\n", k_plan_head) ==
        std::vector<std::string>{
            "main.toml:17:10: error: mã và tên khóa chỉ viết bằng chữ cái không dấu, chữ số, "
            "'-' và '_': viết [units.phong-a]"});
  CHECK(check(k_main + "\n[units.a\n", k_plan_head) ==
        std::vector<std::string>{
            "main.toml:17:9: error: tên bảng thiếu dấu ']' ở cuối: viết [units.a]"});
  // What no rule knows keeps toml++'s words after a Vietnamese lead.
  CHECK(check(k_main, k_plan_head + "x = 1,5\n") ==
        std::vector<std::string>{
            "plans/p.toml:7:6: error: cú pháp TOML không hợp lệ (Error while parsing key-value "
            "pair: expected a comment or whitespace, saw ',')"});
}

TEST_CASE("a quoted date is to be written without its quotes", "[check_vi]") {
  CHECK(
      check(k_main,
            k_plan_head + "title = \"T\"\nresponsible = [\"vp\"]\ndue = \"2026-12-08\"\n") ==
      std::vector<std::string>{
          "plans/p.toml:9:7: error: quy tắc hạn '2026-12-08' của 'due' không hợp lệ: dùng \"day "
          "D\", \"day D of next month\", \"day D of month M\", \"N days after end\", \"Nwd after "
          "end\", \"Nwd before TASK\", \"Nwd after 2026-12-01\" hoặc \"Nwd after received\". Ngày "
          "trong dấu ngoặc kép là chuỗi: bỏ dấu ngoặc kép, viết: due = 2026-12-08"});
  auto quoted_vn = check(k_main, k_plan_head +
                                     "title = \"T\"\nresponsible = [\"vp\"]\n"
                                     "before = \"04/11/2020\"\n");
  REQUIRE(quoted_vn.size() == 1);
  CHECK_THAT(quoted_vn[0], Catch::EndsWith(". Ngày viết theo dạng năm-tháng-ngày, không có dấu "
                                           "ngoặc kép: before = 2020-11-04"));
}

TEST_CASE("check warns of a recurring plan with no edition this year or next", "[check_vi]") {
  const std::string plan =
      "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\nnumber = \"1/KH-STNMT\"\ndate = 2026-01-05\n"
      "[[plan.edition]]\nyear = 2027\nnumber = \"2/KH-STNMT\"\n\n"
      "[[task]]\nid = \"t1\"\ntitle = \"T\"\nresponsible = [\"vp\"]\nrecur = \"yearly\"\n"
      "from = 2026-01-01\ndue = \"day 15 of month 12\"\n";
  // 2026 (the plan's date) and 2027 (its edition) are covered; 2028 is not.
  CHECK(check(k_main, plan, LoadOptions{at("2026-06-01T12:00:00+07:00")}).empty());
  CHECK(check(k_main, plan, LoadOptions{at("2027-06-01T12:00:00+07:00")}) ==
        std::vector<std::string>{
            "plans/p.toml:1:1: warning: kế hoạch 'p' chưa có bản năm 2028 ([[plan.edition]] với "
            "year = 2028): nhắc việc năm 2028 sẽ không nêu số, ngày và căn cứ của kế hoạch, vì "
            "số, ngày và căn cứ đã khai báo thuộc năm khác"});
  // A recurring task that ends before then needs no edition.
  std::string ended = plan + "until = 2027-12-31\n";
  CHECK(check(k_main, ended, LoadOptions{at("2027-06-01T12:00:00+07:00")}).empty());
}
