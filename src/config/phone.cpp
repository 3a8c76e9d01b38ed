#include "config/phone.hpp"

// Placeholder: the implementation comes with its tests (tests/unit/phone_test.cpp).
namespace deadlined::config {

std::optional<std::string> normalize_phone(std::string_view written, std::string* why) {
  if (why) *why = "chưa hỗ trợ";
  (void)written;
  return std::nullopt;
}

}  // namespace deadlined::config
