#include "message/sms.hpp"

// Placeholder: the implementation comes with its tests (tests/unit/sms_test.cpp).
namespace deadlined::message {

std::string fold_ascii(std::string_view text) { return std::string(text); }

SmsSize sms_size(std::string_view text) { return {true, text.size(), text.empty() ? 0u : 1u}; }

std::string fit_length(std::string_view text, std::size_t) { return std::string(text); }

}  // namespace deadlined::message
