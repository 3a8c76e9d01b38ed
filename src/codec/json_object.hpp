#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace deadlined::codec {

/// Writes one flat JSON object, member by member, in the order given: the compact text
/// nlohmann::json's dump() gives for the same members (UTF-8 kept as is, control characters
/// escaped). Webhook bodies are written with it: building a JSON document per message took a
/// tenth of the daemon's time in a burst (docs/PERFORMANCE.md). Strings must be valid UTF-8,
/// as every string of a loaded config is.
class JsonObject {
 public:
  JsonObject() { text_.reserve(1024); }

  JsonObject& add(std::string_view name, std::string_view value);
  JsonObject& add(std::string_view name, const char* value) {
    return add(name, std::string_view(value));
  }
  JsonObject& add(std::string_view name, const std::string& value) {
    return add(name, std::string_view(value));
  }
  JsonObject& add(std::string_view name, bool value);
  JsonObject& add(std::string_view name, std::int64_t value);
  JsonObject& add(std::string_view name, int value) {
    return add(name, static_cast<std::int64_t>(value));
  }

  /// The object's text; the writer is left empty.
  std::string finish();

 private:
  void name(std::string_view name);

  std::string text_;
};

/// Appends `value` to `out` as a JSON string, quotes included.
void append_json_string(std::string& out, std::string_view value);

}  // namespace deadlined::codec
