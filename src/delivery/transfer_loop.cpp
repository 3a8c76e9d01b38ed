#include "delivery/transfer_loop.hpp"

#include <algorithm>
#include <cassert>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

namespace deadlined::delivery::detail {

/// One multi handle and its thread.
struct TransferLoop::Worker {
  CURLM* multi = nullptr;
  std::mutex mutex;
  std::condition_variable wake;  // for a worker with no transfer, which does not poll
  std::vector<std::pair<CURL*, Done>> incoming;
  bool stop = false;
  std::thread thread;

  ~Worker() { curl_multi_cleanup(multi); }

  /// The loop: takes new transfers, drives the running ones, reports the finished ones.
  static void run(const std::shared_ptr<Worker>& self);
};

namespace {
/// The worker whose thread this is, if any.
thread_local const void* t_worker = nullptr;
}  // namespace

void TransferLoop::Worker::run(const std::shared_ptr<Worker>& self) {
  t_worker = self.get();
  std::unordered_map<CURL*, Done> running;
  std::vector<std::pair<CURL*, Done>> incoming;
  for (;;) {
    {
      std::unique_lock lock(self->mutex);
      if (running.empty()) {
        self->wake.wait(lock, [&] { return self->stop || !self->incoming.empty(); });
        if (self->incoming.empty()) return;  // stopped, nothing left
      }
      incoming.swap(self->incoming);
    }
    for (auto& [easy, done] : incoming) {
      if (curl_multi_add_handle(self->multi, easy) != CURLM_OK) {
        done(CURLE_FAILED_INIT);
        continue;
      }
      running.emplace(easy, std::move(done));
    }
    incoming.clear();
    int active = 0;
    curl_multi_perform(self->multi, &active);
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(self->multi, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      CURLcode result = message->data.result;  // the message ends with the removal
      curl_multi_remove_handle(self->multi, easy);
      auto node = running.extract(easy);
      if (!node.empty()) node.mapped()(result);
    }
    if (running.empty()) continue;
    {
      // A transfer added by a `done` above did not wake the poll: take it up first.
      std::lock_guard lock(self->mutex);
      if (!self->incoming.empty()) continue;
    }
    curl_multi_poll(self->multi, nullptr, 0, 1000, nullptr);
  }
}

TransferLoop::TransferLoop(std::size_t connections, std::size_t threads) {
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) {
    auto worker = std::make_shared<Worker>();
    worker->multi = curl_multi_init();
    if (worker->multi) {
      curl_multi_setopt(worker->multi, CURLMOPT_MAXCONNECTS, static_cast<long>(connections));
    }
    workers_.push_back(std::move(worker));
  }
}

TransferLoop::~TransferLoop() {
  stop();
}

void TransferLoop::stop() {
  // A loop's own thread cannot wait for itself (Runtime::shutdown runs on the event loop's).
  assert(t_worker == nullptr);
  for (auto& worker : workers_) {
    {
      std::lock_guard lock(worker->mutex);
      worker->stop = true;
    }
    worker->wake.notify_one();
    if (worker->multi) curl_multi_wakeup(worker->multi);
  }
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
}

void TransferLoop::add(CURL* easy, std::size_t affinity, Done done) {
  const std::shared_ptr<Worker>& chosen = workers_[affinity % workers_.size()];
  Worker& worker = *chosen;
  if (!worker.multi) {
    done(CURLE_FAILED_INIT);
    return;
  }
  {
    std::unique_lock lock(worker.mutex);
    if (worker.stop) {
      lock.unlock();
      done(CURLE_FAILED_INIT);
      return;
    }
    worker.incoming.emplace_back(easy, std::move(done));
    if (!worker.thread.joinable()) {
      worker.thread = std::thread([self = chosen] { Worker::run(self); });
    }
  }
  if (t_worker == &worker) return;  // its loop takes it up before it polls again
  worker.wake.notify_one();
  curl_multi_wakeup(worker.multi);
}

std::size_t TransferLoop::threads_started() const {
  return static_cast<std::size_t>(
      std::count_if(workers_.begin(), workers_.end(), [](const auto& w) {
        std::lock_guard lock(w->mutex);
        return w->thread.joinable();
      }));
}

}  // namespace deadlined::delivery::detail
