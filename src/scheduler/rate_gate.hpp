#pragma once

// Placeholder: the rate limits of channels (config::RateLimit), built with their tests.
namespace deadlined::scheduler {}
