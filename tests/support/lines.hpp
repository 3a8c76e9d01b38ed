#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace deadlined::test {

/// The lines of a message, each of which must end in CRLF.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find("\r\n", start);
    REQUIRE(end != std::string::npos);  // every line ends in CRLF
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

}  // namespace deadlined::test
