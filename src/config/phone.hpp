#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace deadlined::config {

/// A Vietnamese mobile number as written in a unit's `phone` ("0912 345 678", "091.234.5678",
/// "+84 912 345 678", "84912345678") in the form providers take: "84912345678". A mobile
/// number has 10 digits with its leading 0, under a prefix 03x, 05x, 07x, 08x or 09x; spaces
/// and dots may group the digits. None when it is not one, with the reason (Vietnamese) in
/// `why`.
std::optional<std::string> normalize_phone(std::string_view written, std::string* why = nullptr);

}  // namespace deadlined::config
