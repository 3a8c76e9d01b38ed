#include "delivery/transfer_loop.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace deadlined::delivery::detail {

struct TransferLoop::State {
  CURLM* multi = nullptr;
  std::mutex mutex;
  std::condition_variable wake;  // for a loop with no transfer, which does not poll
  std::vector<std::pair<CURL*, Done>> incoming;
  bool stop = false;
  std::thread thread;

  ~State() { curl_multi_cleanup(multi); }

  /// The loop: takes new transfers, drives the running ones, reports the finished ones.
  static void run(const std::shared_ptr<State>& self);
};

void TransferLoop::State::run(const std::shared_ptr<State>& self) {
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
    if (!running.empty()) curl_multi_poll(self->multi, nullptr, 0, 1000, nullptr);
  }
}

TransferLoop::TransferLoop(std::size_t connections) : state_(std::make_shared<State>()) {
  state_->multi = curl_multi_init();
  if (state_->multi) {
    curl_multi_setopt(state_->multi, CURLMOPT_MAXCONNECTS, static_cast<long>(connections));
  }
}

TransferLoop::~TransferLoop() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stop = true;
  }
  state_->wake.notify_one();
  if (state_->multi) curl_multi_wakeup(state_->multi);
  if (!state_->thread.joinable()) return;
  if (state_->thread.get_id() == std::this_thread::get_id()) {
    state_->thread.detach();  // the thread holds the state until it returns
  } else {
    state_->thread.join();
  }
}

void TransferLoop::add(CURL* easy, Done done) {
  if (!state_->multi) {
    done(CURLE_FAILED_INIT);
    return;
  }
  {
    std::lock_guard lock(state_->mutex);
    state_->incoming.emplace_back(easy, std::move(done));
    if (!state_->thread.joinable()) {
      state_->thread = std::thread([state = state_] { State::run(state); });
    }
  }
  state_->wake.notify_one();
  curl_multi_wakeup(state_->multi);
}

}  // namespace deadlined::delivery::detail
