#pragma once

// Diagnostics are written for a Văn phòng administrator: formal Vietnamese, each with its
// `path:line:col`. Key names and values are quoted as written ('due', "8:00", 'phong-mt');
// the severity tag stays "error"/"warning", which editors and scripts parse.
//
// Glossary (use these phrasings, so that every reader says the same thing the same way):
//   table or section            [service], [units.ID], [[task]]  (as written, never translated)
//   context of a plan's task    nhiệm vụ 'a' của kế hoạch 'b'
//   "in <context>"              trong <context>            ("trong [service]")
//   missing required key        thiếu khóa bắt buộc 'x' trong [service]
//   wrong type                  'x' trong [service] phải là chuỗi, không phải số nguyên
//   types                       chuỗi, số nguyên, số thực, giá trị đúng/sai (true/false),
//                               ngày, giờ, ngày giờ, bảng, mảng, mảng chuỗi
//   unknown key                 deadlined không dùng khóa 'x' trong [service]; có phải là 'y'?
//   invalid value               giá trị 'v' của 'x' không hợp lệ: dùng "a" hoặc "b"
//   unknown reference           đơn vị 'x' chưa được khai báo trong [units]; có phải là 'y'?
//                               (webhook: trong [webhooks]; nhiệm vụ: trong kế hoạch 'b')
//   "task 'a' names unit 'x'"   nhiệm vụ 'a' nêu đơn vị 'x' ...
//   duplicate                   mã kế hoạch 'p' bị trùng (đã khai báo tại path:line:col)
//   id rule                     mã chỉ gồm chữ cái không dấu, chữ số, '-' và '_'
//   "did you mean"              có phải là 'y'?
//   "write it as"               viết: due = 2020-11-04
//   "use X"                     dùng X;  "e.g."  ví dụ;  "at least"  ít nhất
//   cannot read                 không đọc được tệp 'f': <lý do>
//   a date, a time              ngày 04/11/2020, 17:00 ngày 04/11/2020 (as in documents);
//                               in a fix to write, the TOML form 2020-11-04 (năm-tháng-ngày)
//   unit, plan, task, deadline  đơn vị, kế hoạch, nhiệm vụ, hạn (thời hạn), nhắc việc
//   holiday decision, day off   quyết định nghỉ lễ, ngày nghỉ, ngày nghỉ bù, ngày làm bù

#include <string>
#include <vector>

#include "config/config.hpp"

namespace deadlined::config {

/// One problem found in the configuration.
struct Diagnostic {
  enum class Severity { error, warning };
  SourcePos where;
  Severity severity = Severity::error;
  std::string message;

  /// `path:line:col: error: message` (or `path: error: message` without a position).
  std::string to_string() const;
};

bool has_errors(const std::vector<Diagnostic>& diagnostics);

}  // namespace deadlined::config
