#include "scheduler/send_lanes.hpp"

#include <boost/asio/post.hpp>

#include "message/bundle.hpp"

namespace deadlined::scheduler {
std::string content_of(const Job& job, SysSeconds at) {
  const Delivery& d = *job.delivery();
  if (!d.outbound.content.empty()) return d.outbound.content;
  if (const auto* bundle = std::get_if<SendBundle>(&job.work)) {
    std::vector<const schedule::Reminder*> members;
    for (const SendDelivery& member : bundle->members)
      members.push_back(member.reminder.get());
    return message::render_bundle(*job.generation->config, members, d.outbound.to, d.outbound.cc,
                                  at, d.outbound.person);
  }
  const auto* send = std::get_if<SendDelivery>(&job.work);
  if (!send || !send->reminder) return {};
  return message::content_of(*job.generation->config, *send->reminder, d.outbound, at);
}

SendLanes::SendLanes(boost::asio::io_context& io, boost::asio::thread_pool& workers,
                     std::function<void(Finished)> on_finished,
                     std::chrono::milliseconds record_window)
    : io_(io),
      workers_(workers),
      on_finished_(std::move(on_finished)),
      record_timer_(io),
      record_window_(record_window) {}

void SendLanes::enqueue(Send send) {
  Lane& lane = lanes_[send.job.delivery()->outbound.channel];
  std::size_t slot = 0;
  {
    // A lane holds sends only while all its slots are taken, so a free slot means this send
    // is the next in line.
    std::lock_guard lock(lane.mutex);
    if (lane.busy.all()) {
      lane.ready.push_back(std::move(send));
      return;
    }
    while (lane.busy[slot])
      ++slot;
    lane.busy.set(slot);
  }
  if (send.channel->asynchronous()) {
    run_lane(lane, slot, std::move(send));
  } else {
    post_to_worker(lane, slot, std::move(send));
  }
}

std::vector<Send> SendLanes::stop() {
  stop_requested_ = true;
  std::vector<Send> abandoned;
  for (auto& [name, lane] : lanes_) {
    std::lock_guard lock(lane.mutex);
    for (Send& send : lane.ready)
      abandoned.push_back(std::move(send));
    lane.ready.clear();
  }
  return abandoned;
}

std::optional<Send> SendLanes::take(Lane& lane, std::size_t slot) {
  std::lock_guard lock(lane.mutex);
  if (lane.ready.empty()) {
    lane.busy.reset(slot);
    return std::nullopt;
  }
  Send send = std::move(lane.ready.front());
  lane.ready.pop_front();
  return send;
}

void SendLanes::post_to_worker(Lane& lane, std::size_t slot, Send send) {
  boost::asio::post(workers_, [this, &lane, slot, send = std::move(send)]() mutable {
    run_lane(lane, slot, std::move(send));
  });
}

void SendLanes::run_lane(Lane& lane, std::size_t slot, Send send) {
  for (;;) {
    if (stop_requested_) {
      finish(std::move(send.job), delivery::Outcome::retryable("not started: shutting down"));
    } else {
      // A report, or a webhook prepared ahead, comes rendered; any other reminder's message
      // is rendered here, on a worker or the transfer loop (or, for the first sends of a
      // burst, the event loop).
      send.envelope.content = content_of(send.job, send.at);
      if (send.channel->asynchronous()) {
        // The slot goes with the transfer; the transfer loop's thread takes up the lane
        // when it ends.
        send.channel->send_async(
            std::move(send.envelope), slot,
            [this, &lane, slot, job = std::move(send.job)](delivery::Outcome outcome) mutable {
              // The next send is taken before this outcome is handed over: once every
              // outcome is in, the lanes may be destroyed.
              std::optional<Send> next = take(lane, slot);
              finish(std::move(job), std::move(outcome));
              if (!next) return;
              if (next->channel->asynchronous()) {
                run_lane(lane, slot, std::move(*next));
              } else {
                post_to_worker(lane, slot, std::move(*next));
              }
            });
        return;
      }
      finish(std::move(send.job), send.channel->send(send.envelope));
    }
    std::optional<Send> next = take(lane, slot);
    if (!next) return;
    send = std::move(*next);
  }
}

void SendLanes::finish(Job job, delivery::Outcome outcome) {
  std::size_t waiting = 0;
  {
    std::lock_guard lock(finished_mutex_);
    finished_.emplace_back(std::move(job), std::move(outcome));
    waiting = finished_.size();
  }
  // Outcomes are recorded together, a little after the first of them (a sync blocks the
  // event loop) or as soon as many have come.
  if (waiting == 1 && record_window_.count() == 0) {
    boost::asio::post(io_, [this] { hand_over(); });
  } else if (waiting == 1) {
    boost::asio::post(io_, [this] {
      record_timer_.expires_after(record_window_);
      record_timer_.async_wait([this](boost::system::error_code) { hand_over(); });
    });
  } else if (waiting == k_record_batch) {
    boost::asio::post(io_, [this] { record_timer_.cancel(); });
  }
}

void SendLanes::hand_over() {
  Finished finished;
  {
    std::lock_guard lock(finished_mutex_);
    finished.swap(finished_);
  }
  if (!finished.empty()) on_finished_(std::move(finished));
}

}  // namespace deadlined::scheduler
