#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "config/config.hpp"
#include "delivery/channel.hpp"
#include "journal/store.hpp"
#include "message/outbound.hpp"
#include "schedule/schedule.hpp"

namespace deadlined::scheduler {

using config::SysSeconds;

/// A loaded configuration and the channels built for it: what the jobs of one load are
/// computed from and sent with. Shared by those jobs, which keep it alive (a reminder points
/// into its config) until the last of them is done, across reloads.
struct Generation {
  std::shared_ptr<const config::Config> config;
  std::shared_ptr<const delivery::ChannelSet> channels;
  /// The extensions the schedule was made with (never null once loaded; null: none).
  std::shared_ptr<const schedule::Extensions> extensions{};

  const schedule::Extensions& extensions_in_force() const {
    return extensions ? *extensions : schedule::Extensions::none();
  }
};

/// One message to one channel (and, for per-recipient channels, one address): made only by
/// deliveries.cpp, immutable once made.
struct Delivery {
  message::Outbound outbound;  ///< content empty unless rendered ahead (a webhook, a report)
  std::vector<std::string> recipients;
  journal::DeliveryRecord record;  ///< record.key is the ids::DeliveryKey's text
  SysSeconds give_up_at{};
  bool is_report = false;
  std::string unit_id;
  std::string unit_name;
  /// The stages of one assignment to one addressee through one channel (and address) share
  /// it: a retry of a stage is dropped once a later stage of its lineage has been
  /// delivered. Empty for a report.
  std::string lineage;
};

/// Compute the reminders of an occurrence that has not begun (queued k_prepare_ahead before
/// its first stage): most jobs are these, one per task.
struct ComputeOccurrence {
  schedule::Pending pending;
};
/// Send a reminder through every channel of its addressee; its deliveries are worked out
/// when it is dispatched.
struct SendReminder {
  std::shared_ptr<const schedule::Reminder> reminder;
};
/// Send one delivery of a reminder: prepared ahead of its time (replaced at a reload, like
/// the reminder), or a retry (kept across reloads).
struct SendDelivery {
  std::shared_ptr<const schedule::Reminder> reminder;
  std::shared_ptr<const Delivery> delivery;
  bool prepared = false;
  bool retry = false;  ///< queued again after a failed attempt
};
/// Send the email deliveries of several reminders of one addressee due at one instant, to
/// one address, as one message (a bundle, message/bundle.hpp). Made by the grouping stage
/// (bundles.hpp) when they are dispatched, never queued: each member keeps its journal row
/// and outcome, and a member's retry is queued as its own SendDelivery.
struct SendBundle {
  std::vector<SendDelivery> members;         ///< two or more, their attempts recorded
  std::shared_ptr<const Delivery> delivery;  ///< the message: its id, recipients, channel
};
/// Send a report to the Office (a failure report or the digest), as it is; kept across
/// reloads.
struct SendReport {
  std::shared_ptr<const Delivery> delivery;
};
/// Send the Office's morning digest, and queue the next one.
struct DigestTick {};

// SendBundle last: the others keep their indexes.
using Work =
    std::variant<ComputeOccurrence, SendReminder, SendDelivery, SendReport, DigestTick, SendBundle>;

/// A kind of work due at `at`. Shared parts are immutable, so copies are cheap.
struct Job {
  SysSeconds at{};
  std::uint64_t sequence = 0;  ///< set by JobQueue::push: first queued first
  std::shared_ptr<const Generation> generation;
  Work work;

  /// The delivery a send job carries (a bundle's message); null for the other kinds.
  const Delivery* delivery() const;
  /// The journal keys a send job attempts: a bundle's members', else its delivery's.
  std::vector<std::string> journal_keys() const;
  /// Whether a reload keeps it: a retry or a report carries its message and stays.
  bool carried_over() const;
  /// A prepared delivery (counted against k_prepared_limit).
  bool prepared() const;
  /// What it is about, for the log.
  std::string describe() const;
};

}  // namespace deadlined::scheduler
