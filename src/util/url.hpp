#pragma once

#include <string>
#include <string_view>

namespace deadlined::util {

/// `url` as it may be shown (logs, `preview`, reports to the Office, error messages): its
/// userinfo and its query, where services put credentials (a Google Chat webhook's `key`
/// and `token`), replaced by "REDACTED"; the scheme, host, port and path stay, so that the
/// reader knows which endpoint it is. Text without "://" is returned as it is.
std::string redact_url(std::string_view url);

}  // namespace deadlined::util
