#include "app/runtime.hpp"

#include <thread>

#include <algorithm>

namespace deadlined::app {

Runtime::Runtime()
    : transfer_loop_(k_idle_connections, std::max(1U, std::thread::hardware_concurrency())) {}

Runtime::~Runtime() {
  shutdown();
}

void Runtime::shutdown() {
  abort_ = true;
  workers_.join();
  background_.join();
  transfer_loop_.stop();
}

}  // namespace deadlined::app
