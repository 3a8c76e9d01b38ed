#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace deadlined::util {

/// How many threads parallel_for runs n pieces of work on: one per core, at most n.
inline std::size_t threads_for(std::size_t n) {
  return std::min<std::size_t>(n, std::max(1U, std::thread::hardware_concurrency()));
}

/// Runs work(i) for every i below n on threads_for(n) threads, this one included; the first
/// exception thrown is rethrown here once every thread has stopped.
template <class Work>
void parallel_for(std::size_t n, Work work) {
  std::size_t threads = threads_for(n);
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::exception_ptr failure;
  auto run = [&] {
    try {
      for (std::size_t i = next++; i < n; i = next++)
        work(i);
    } catch (...) {
      std::lock_guard lock(mutex);
      if (!failure) failure = std::current_exception();
      next = n;
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t)
    pool.emplace_back(run);
  run();
  for (std::thread& thread : pool)
    thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace deadlined::util
