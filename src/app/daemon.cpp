#include "app/daemon.hpp"

#include "app/token_store.hpp"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <memory>

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "app/notify.hpp"
#include "app/runtime.hpp"
#include "config/loader.hpp"
#include "delivery/channel.hpp"
#include "http/extensions.hpp"
#include "http/server.hpp"
#include "ids/ids.hpp"
#include "journal/journal.hpp"
#include "message/time_format.hpp"
#include "scheduler/scheduler.hpp"

namespace deadlined::app {
namespace {

/// In-flight deliveries get this long after SIGTERM before their transfers are aborted.
constexpr std::chrono::seconds k_shutdown_grace{5};
/// How long the daemon's journal waits for another process's lock.
constexpr std::chrono::milliseconds k_loop_busy_timeout{200};
/// How often the journal is asked whether its trail of extensions has grown (`deadlined extend`
/// writes it from another process).
constexpr std::chrono::seconds k_extensions_poll{10};

void log_diagnostics(const config::LoadResult& loaded) {
  for (const auto& d : loaded.diagnostics) {
    if (d.severity == config::Diagnostic::Severity::error) {
      spdlog::error("{}", d.to_string());
    } else {
      spdlog::warn("{}", d.to_string());
    }
  }
  if (loaded.omitted > 0) spdlog::error("{}", loaded.omitted_note());
}

/// Every channel that skips TLS verification is named at each (re)load.
void warn_insecure(const config::Config& config) {
  if (config.email.insecure_skip_verify) {
    spdlog::warn("[email] insecure_skip_verify is on: TLS certificates are NOT verified");
  }
  for (const auto& [name, hook] : config.webhooks) {
    if (hook.insecure_skip_verify) {
      spdlog::warn("[webhooks.{}] insecure_skip_verify is on: TLS certificates are NOT verified",
                   name);
    }
  }
}

std::string monotonic_usec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::to_string(static_cast<long long>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000);
}

class Daemon final : public http::Backend {
 public:
  explicit Daemon(std::filesystem::path config_file) : config_file_(std::move(config_file)) {}

  int run() {
    auto loaded = config::load_config(config_file_);
    log_diagnostics(loaded);
    if (!loaded.config) {
      spdlog::critical("configuration {} has {} error(s); not starting", config_file_.string(),
                       loaded.errors);
      return 1;
    }
    config_ = loaded.config;
    try {
      // On the event loop a lock held by another process (`deadlined ack`, a backup) fails
      // an operation quickly, and the scheduler tries again later, rather than stall.
      journal_ =
          std::make_unique<journal::Journal>(config_->service.state_dir / "journal.sqlite",
                                             journal::JournalOptions{k_loop_busy_timeout, false});
    } catch (const std::exception& e) {
      spdlog::critical("{}", e.what());
      return 1;
    }
    tokens_ = std::make_unique<JournalTokenStore>(journal_->path());
    warn_insecure(*config_);
    scheduler_ = std::make_unique<scheduler::Scheduler>(io_, runtime_.workers(), *journal_);
    scheduler_->on_change = [this] { notify("STATUS=" + status()); };
    try {
      extensions_version_ = journal_->extensions_version();
      extensions_ = http::read_extensions(*config_, *journal_);
    } catch (const std::exception& e) {
      // The trail is part of the journal: a schedule made without it could send on
      // deadlines the Office has moved.
      spdlog::critical("cannot read the extensions of {}: {}", journal_->path().string(), e.what());
      return 1;
    }
    channels_ = channels_of(*config_);
    scheduler_->load(config_, channels_, extensions_);
    watch_extensions();
    spdlog::info("deadlined started: {} plans, {} units, journal {}; {}", config_->plans.size(),
                 config_->units.size(), journal_->path().string(), status());
    if (config_->http.enabled) {
      const auto& h = config_->http;
      try {
        http_ = std::make_unique<http::Server>(io_, *this, h.host, h.port, &runtime_.background());
      } catch (const std::exception& e) {
        spdlog::critical("cannot listen on {}:{}: {}", h.host, h.port, e.what());
        return 1;
      }
      spdlog::info("http: listening on {}:{}; links use {}", h.host, http_->port(), h.public_url);
    }

    signals_.async_wait([this](auto ec, int signal) { on_signal(ec, signal); });
    start_watchdog();
    notify("READY=1\nSTATUS=" + status());
    io_.run();
    // Every thread ends before what its sends reach into (the scheduler, the journal).
    runtime_.shutdown();
    http_.reset();
    scheduler_.reset();
    journal_.reset();
    spdlog::info("deadlined stopped");
    return 0;
  }

 private:
  // http::Backend
  std::shared_ptr<const config::Config> config() override { return config_; }
  journal::Store& journal() override { return *journal_; }
  config::SysSeconds now() override { return scheduler::system_now(); }
  std::shared_ptr<const schedule::Extensions> extensions() override { return extensions_; }
  void extensions_changed() override {
    // After the request that wrote the entry has been answered, not inside it.
    boost::asio::post(io_, [this] { follow_extensions(); });
  }

  /// Re-plans when the trail of extensions has grown: from the desk or a unit's page at
  /// once (extensions_changed), from `deadlined extend` or another process within
  /// k_extensions_poll.
  void follow_extensions() {
    if (stopping_) return;
    try {
      std::int64_t version = journal_->extensions_version();
      if (version == extensions_version_) return;
      auto extensions = http::read_extensions(*config_, *journal_);
      scheduler_->load(config_, channels_, extensions);
      extensions_ = std::move(extensions);
      extensions_version_ = version;
      spdlog::info("extensions changed (trail at entry {}): schedule re-planned", version);
    } catch (const std::exception& e) {
      spdlog::error("cannot follow the extensions: {}; trying again in {}s", e.what(),
                    k_extensions_poll.count());
    }
  }

  void watch_extensions() {
    extensions_timer_.expires_after(k_extensions_poll);
    extensions_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_) return;
      follow_extensions();
      watch_extensions();
    });
  }
  http::Metrics metrics() override {
    http::Metrics m;
    for (const auto& [channel, s] : scheduler_->stats())
      m.channels[channel] = s;
    m.queued = scheduler_->queued();
    m.in_flight = scheduler_->in_flight();
    m.next_event = scheduler_->next_event();
    m.reloads_ok = reloads_ok_;
    m.reloads_failed = reloads_failed_;
    m.last_reload_ok = last_reload_ok_;
    for (const auto& [name, webhook] : config_->webhooks) {
      std::string channel = ids::ChannelId::of_webhook(name).to_string();
      m.channel_disabled[channel] = scheduler_->disabled_channels().count(channel) > 0;
    }
    // The WAL holds what is not yet checkpointed into the file: it is part of the journal.
    for (const char* suffix : {"", "-wal"}) {
      std::error_code ec;
      auto size = std::filesystem::file_size(journal_->path().string() + suffix, ec);
      if (!ec) m.journal_bytes += size;
    }
    m.journal_failing = journal_->failing();
    return m;
  }

  std::shared_ptr<const delivery::ChannelSet> channels_of(const config::Config& config) {
    return std::make_shared<const delivery::ChannelSet>(config, runtime_.abort(),
                                                        runtime_.transfer_loop(), tokens_.get());
  }

  std::string status() const {
    auto next = scheduler_->next_event();
    if (!next) return "idle: no reminder scheduled";
    return "next reminder at " + message::iso8601(config_->service.zone, *next) + "; " +
           std::to_string(scheduler_->queued()) + " queued, " +
           std::to_string(scheduler_->in_flight()) + " in flight";
  }

  void on_signal(const boost::system::error_code& ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP && !stopping_) {
      reload();
    } else if (signal == SIGTERM || signal == SIGINT) {
      if (stopping_) {
        spdlog::warn("second stop signal: exiting at once");
        std::_Exit(1);
      }
      stop();
    }
    signals_.async_wait([this](auto e, int s) { on_signal(e, s); });
  }

  void reload() {
    if (reloading_) {
      // A SIGHUP during a reload: once it is applied, the files are read again.
      reload_again_ = true;
      return;
    }
    reloading_ = true;
    notify("RELOADING=1\nMONOTONIC_USEC=" + monotonic_usec());
    spdlog::info("reloading {}", config_file_.string());
    // The files are read on a worker: a slow disk or network share must not hold up the
    // event loop (timers, HTTP). The result is applied on the loop.
    boost::asio::post(runtime_.background(), [this] {
      auto loaded = std::make_shared<config::LoadResult>(config::load_config(config_file_));
      boost::asio::post(io_, [this, loaded] {
        reloading_ = false;
        if (stopping_) return;
        apply_reload(std::move(*loaded));
        if (reload_again_ && !stopping_) {
          reload_again_ = false;
          reload();
        }
      });
    });
  }

  /// Replaces the running configuration with `loaded`, or keeps it when `loaded` has errors
  /// or the schedule cannot be made.
  void apply_reload(config::LoadResult loaded) {
    log_diagnostics(loaded);
    if (!loaded.config) {
      spdlog::error("reload rejected: {} error(s); keeping the running configuration",
                    loaded.errors);
      ++reloads_failed_;
      last_reload_ok_ = false;
      notify("READY=1\nSTATUS=reload rejected; " + status());
      return;
    }
    if (loaded.config->service.state_dir != config_->service.state_dir) {
      spdlog::warn("state_dir changed to {}; it takes effect at the next start",
                   loaded.config->service.state_dir.string());
    }
    try {
      // The extensions are read again: a deadline in force depends on the config's.
      auto channels = channels_of(*loaded.config);
      std::int64_t version = journal_->extensions_version();
      auto extensions = http::read_extensions(*loaded.config, *journal_);
      scheduler_->load(loaded.config, channels, extensions);
      channels_ = std::move(channels);
      extensions_ = std::move(extensions);
      extensions_version_ = version;
    } catch (const std::exception& e) {
      spdlog::error("reload failed: {}; keeping the running schedule", e.what());
      ++reloads_failed_;
      last_reload_ok_ = false;
      notify("READY=1\nSTATUS=reload failed; " + status());
      return;
    }
    const auto& before = config_->http;
    const auto& after = loaded.config->http;
    if (before.enabled != after.enabled || before.host != after.host || before.port != after.port) {
      spdlog::warn("[http] listen changed; it takes effect at the next start");
    }
    config_ = loaded.config;
    ++reloads_ok_;
    last_reload_ok_ = true;
    warn_insecure(*config_);
    spdlog::info("reload done: {} plans, {} units", config_->plans.size(), config_->units.size());
    notify("READY=1\nSTATUS=" + status());
  }

  void stop() {
    stopping_ = true;
    notify("STOPPING=1");
    spdlog::info("stopping: {} deliveries in flight", scheduler_->in_flight());
    shutdown_timer_.expires_after(k_shutdown_grace);
    shutdown_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      spdlog::warn("shutdown grace elapsed: abandoning deliveries in flight (they stay pending)");
      runtime_.abort() = true;
    });
    if (http_) http_->stop();
    scheduler_->stop([this] {
      shutdown_timer_.cancel();
      watchdog_timer_.cancel();
      extensions_timer_.cancel();
      signals_.cancel();
      io_.stop();
    });
  }

  void start_watchdog() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
    watchdog_interval_ = std::chrono::microseconds{usec / 2};
    ping_watchdog();
  }

  void ping_watchdog() {
    notify("WATCHDOG=1");
    watchdog_timer_.expires_after(watchdog_interval_);
    watchdog_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) ping_watchdog();
    });
  }

  std::filesystem::path config_file_;
  Runtime runtime_;
  boost::asio::io_context& io_ = runtime_.io();
  boost::asio::signal_set signals_{io_, SIGHUP, SIGTERM, SIGINT};
  boost::asio::steady_timer shutdown_timer_{io_};
  boost::asio::steady_timer watchdog_timer_{io_};
  boost::asio::steady_timer extensions_timer_{io_};
  std::chrono::microseconds watchdog_interval_{0};
  std::shared_ptr<const config::Config> config_;
  std::unique_ptr<journal::Journal> journal_;
  /// Outlives every channel set (a scheduler's generations hold them).
  std::unique_ptr<JournalTokenStore> tokens_;
  std::unique_ptr<scheduler::Scheduler> scheduler_;
  std::shared_ptr<const delivery::ChannelSet> channels_;
  std::shared_ptr<const schedule::Extensions> extensions_;
  std::int64_t extensions_version_ = 0;
  std::unique_ptr<http::Server> http_;
  std::uint64_t reloads_ok_ = 0;
  std::uint64_t reloads_failed_ = 0;
  bool last_reload_ok_ = true;
  bool stopping_ = false;
  bool reloading_ = false;     ///< a reload's files are being read on a worker
  bool reload_again_ = false;  ///< a SIGHUP came meanwhile
};

}  // namespace

int run_daemon(const std::filesystem::path& config_file) {
  return Daemon(config_file).run();
}

}  // namespace deadlined::app
