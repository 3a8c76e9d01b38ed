#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "scheduler/rate_gate.hpp"
#include "scheduler/rate_lines.hpp"

using namespace deadlined;
using scheduler::RateGate;
using scheduler::RateLines;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

const config::SysSeconds t0 = date::sys_days{date::year{2030} / 1 / 7} + std::chrono::hours{8};

/// A config whose webhook `chat` sends at most `count` per `per`, and `other` has no rate.
config::Config with_chat_rate(std::size_t count, seconds per = minutes{1}) {
  config::Config config;
  config.webhooks["chat"].rate = config::RateLimit{count, per, ""};
  config.webhooks["other"] = {};
  return config;
}

/// Starts sends of `channel` every `step` from `from` to `to` whenever the gate lets them,
/// returning the start times.
std::vector<config::SysSeconds> run(RateGate& gate, const std::string& channel, std::size_t sends,
                                    config::SysSeconds from, seconds step) {
  std::vector<config::SysSeconds> starts;
  for (config::SysSeconds now = from; starts.size() < sends; now += step) {
    while (starts.size() < sends && !gate.admit(channel, now))
      starts.push_back(now);
  }
  return starts;
}

/// The most starts any window [t, t + per) holds.
std::size_t busiest(const std::vector<config::SysSeconds>& starts, seconds per) {
  std::size_t most = 0;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    std::size_t n = 0;
    for (std::size_t j = i; j < starts.size() && starts[j] < starts[i] + per; ++j)
      ++n;
    most = std::max(most, n);
  }
  return most;
}

scheduler::Job send_of(const std::string& key, const std::string& channel) {
  auto d = std::make_shared<scheduler::Delivery>();
  d->record.key = key;
  d->outbound.channel = channel;
  d->outbound.content = "{}";  // rendered ahead
  return scheduler::Job{t0, 0, nullptr, scheduler::SendDelivery{nullptr, d, true}};
}

}  // namespace

TEST_CASE("a full window holds a send until its oldest start leaves it", "[rate]") {
  RateGate gate;
  gate.configure(with_chat_rate(3));
  CHECK_FALSE(gate.admit("webhook:chat", t0));
  CHECK_FALSE(gate.admit("webhook:chat", t0 + seconds{10}));
  CHECK_FALSE(gate.admit("webhook:chat", t0 + seconds{20}));
  // The clock counts whole seconds: a start at second 0 happened before second 1, and leaves
  // a 60 s window at 61 s, so no real minute holds more than the rate.
  CHECK(gate.admit("webhook:chat", t0 + seconds{30}) == t0 + seconds{61});
  CHECK(gate.in_window("webhook:chat", t0 + seconds{30}) == 3);  // a wait counts nothing
  CHECK(gate.wait_until("webhook:chat", t0 + seconds{60}) == t0 + seconds{61});
  CHECK_FALSE(gate.admit("webhook:chat", t0 + seconds{61}));
  CHECK(gate.admit("webhook:chat", t0 + seconds{61}) == t0 + seconds{71});
}

TEST_CASE("a sliding window never lets twice the rate through, as a bucket would", "[rate]") {
  RateGate gate;
  gate.configure(with_chat_rate(60));
  // A trickle fills the window's end, then a burst comes: a bucket refilled at the minute
  // would let 60 more through at once.
  std::vector<config::SysSeconds> starts;
  for (int i = 0; i < 30; ++i) {
    REQUIRE_FALSE(gate.admit("webhook:chat", t0 + seconds{30 + i}));
    starts.push_back(t0 + seconds{30 + i});
  }
  for (auto t : run(gate, "webhook:chat", 200, t0 + seconds{60}, seconds{1}))
    starts.push_back(t);
  CHECK(busiest(starts, minutes{1}) == 60);
  CHECK(starts.size() == 230);
}

TEST_CASE("a burst of 200 at 60/min goes 60 a minute and a second, in 3 minutes", "[rate]") {
  RateGate gate;
  gate.configure(with_chat_rate(60));
  auto starts = run(gate, "webhook:chat", 200, t0, seconds{1});
  CHECK(busiest(starts, minutes{1}) == 60);
  CHECK(std::count(starts.begin(), starts.end(), t0) == 60);
  CHECK(std::count(starts.begin(), starts.end(), t0 + seconds{61}) == 60);
  CHECK(std::count(starts.begin(), starts.end(), t0 + seconds{122}) == 60);
  CHECK(starts.back() == t0 + seconds{183});
}

TEST_CASE("channels without a rate are never held", "[rate]") {
  RateGate gate;
  gate.configure(with_chat_rate(1));
  for (int i = 0; i < 1000; ++i) {
    REQUIRE_FALSE(gate.admit("webhook:other", t0));
    REQUIRE_FALSE(gate.admit("email", t0));
  }
  CHECK(gate.rate_of("webhook:other") == nullptr);
  CHECK(gate.rate_of("webhook:nowhere") == nullptr);
  CHECK(gate.in_window("email", t0) == 0);
  // A rate of 0 (which the config rejects) holds nothing either.
  gate.configure(with_chat_rate(0));
  CHECK_FALSE(gate.admit("webhook:chat", t0));
}

TEST_CASE("the email channel's rate gates it by the name email", "[rate]") {
  config::Config config;
  config.email.rate = config::RateLimit{1, std::chrono::hours{1}, "1/h"};
  RateGate gate;
  gate.configure(config);
  CHECK_FALSE(gate.admit("email", t0));
  CHECK(gate.admit("email", t0) == t0 + std::chrono::hours{1} + seconds{1});
  CHECK(scheduler::rate_text(*gate.rate_of("email")) == "1/h");
  CHECK(scheduler::rate_text(config::RateLimit{60, minutes{1}, ""}) == "60/60s");
}

TEST_CASE("a reload keeps a window whose rate is unchanged, and applies a changed one", "[rate]") {
  RateGate gate;
  gate.configure(with_chat_rate(2));
  CHECK_FALSE(gate.admit("webhook:chat", t0));
  CHECK_FALSE(gate.admit("webhook:chat", t0 + seconds{10}));
  gate.configure(with_chat_rate(2));  // unchanged: the window is kept
  CHECK(gate.wait_until("webhook:chat", t0 + seconds{20}) == t0 + seconds{61});
  gate.configure(with_chat_rate(3));  // more: room at once, the starts still count
  CHECK_FALSE(gate.admit("webhook:chat", t0 + seconds{20}));
  CHECK(gate.wait_until("webhook:chat", t0 + seconds{20}) == t0 + seconds{61});
  gate.configure(with_chat_rate(1));  // fewer: the latest start decides
  CHECK(gate.wait_until("webhook:chat", t0 + seconds{20}) == t0 + seconds{81});
  gate.configure(with_chat_rate(1, seconds{10}));  // a shorter window
  CHECK_FALSE(gate.wait_until("webhook:chat", t0 + seconds{31}));
  gate.configure(config::Config{});  // no rate any more
  CHECK_FALSE(gate.wait_until("webhook:chat", t0 + seconds{20}));
}

TEST_CASE("a wall clock set back holds a channel for one window at most", "[rate]") {
  RateGate gate;
  gate.configure(with_chat_rate(1));
  CHECK_FALSE(gate.admit("webhook:chat", t0));
  const auto back = t0 - std::chrono::hours{1};
  CHECK(gate.wait_until("webhook:chat", back) == back + minutes{1} + seconds{1});
}

TEST_CASE("sends wait in their channel's line in order, and go as the window frees", "[rate]") {
  RateGate gate;
  gate.configure(with_chat_rate(2));
  RateLines lines;
  std::vector<std::string> started;
  auto start = [&](RateLines::Group group) {
    for (const auto& job : group)
      started.push_back(job.delivery()->record.key);
    return true;
  };
  // Two go; the next wait, first come first served, though the window may free meanwhile.
  for (int i = 0; i < 2; ++i) {
    REQUIRE_FALSE(lines.must_wait("webhook:chat", gate, t0));
    gate.started("webhook:chat", t0);
  }
  for (int i = 0; i < 5; ++i) {
    auto until = lines.must_wait("webhook:chat", gate, t0 + seconds{i});
    REQUIRE(until);
    CHECK(*until == t0 + seconds{61});
    lines.hold("webhook:chat", {send_of("k" + std::to_string(i), "webhook:chat")}, *until);
  }
  // A reload's catch-up of a send that waits does not wait twice.
  lines.hold("webhook:chat", {send_of("k1", "webhook:chat")}, t0 + seconds{61});
  CHECK(lines.size() == 5);
  CHECK(lines.next_wake() == t0 + seconds{61});
  auto begun = lines.take_begun();
  REQUIRE(begun.size() == 1);
  CHECK(begun.front() == std::pair<std::string, std::size_t>{"webhook:chat", 5});
  CHECK(lines.take_begun().empty());
  // Another channel is not held by it.
  CHECK_FALSE(lines.must_wait("webhook:other", gate, t0));

  lines.release(gate, t0 + seconds{60}, start);  // not yet
  CHECK(started.empty());
  lines.release(gate, t0 + seconds{61}, start);
  CHECK(started == std::vector<std::string>{"k0", "k1"});
  CHECK(lines.next_wake() == t0 + seconds{122});
  // A send that sent nothing (already delivered, say) takes no room in the window.
  bool skip = true;
  lines.release(gate, t0 + seconds{122}, [&](RateLines::Group group) {
    if (skip) {
      skip = false;
      return false;
    }
    return start(std::move(group));
  });
  CHECK(started == std::vector<std::string>{"k0", "k1", "k3", "k4"});
  CHECK(lines.size() == 0);
  CHECK_FALSE(lines.next_wake());
  CHECK_FALSE(lines.must_wait("webhook:chat", gate, t0 + seconds{183}));
}

TEST_CASE("a bundle waits as one send, and a stop drops what waits", "[rate]") {
  RateGate gate;
  gate.configure(with_chat_rate(1));
  RateLines lines;
  lines.hold("webhook:chat", {send_of("a", "webhook:chat"), send_of("b", "webhook:chat")}, t0);
  lines.hold("webhook:chat", {send_of("c", "webhook:chat")}, t0);
  CHECK(lines.size() == 2);
  std::vector<std::size_t> sizes;
  lines.release(gate, t0, [&](RateLines::Group group) {
    sizes.push_back(group.size());
    // A webhook body rendered ahead is rendered again when it goes.
    for (const auto& job : group) {
      const auto& send = std::get<scheduler::SendDelivery>(job.work);
      CHECK_FALSE(send.prepared);
    }
    return true;
  });
  CHECK(sizes == std::vector<std::size_t>{2});
  CHECK(lines.size() == 1);
  CHECK(lines.clear() == 1);
  CHECK(lines.size() == 0);
  CHECK_FALSE(lines.next_wake());
}
