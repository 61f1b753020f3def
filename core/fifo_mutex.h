#pragma once
// A mutex that hands the lock over in arrival order (a ticket lock). std::mutex lets a thread that
// unlocks and locks again at once keep the lock while others sleep; code that holds a shared
// resource batch by batch (the networks, shared by the node's workers) would then starve the
// others for a whole study. Satisfies Lockable, so std::lock_guard / std::unique_lock work.

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace vigil {

class FifoMutex {
 public:
  void lock() {
    std::unique_lock<std::mutex> guard(mutex_);
    const std::uint64_t ticket = next_ticket_++;
    turn_.wait(guard, [&] { return serving_ == ticket; });
  }
  bool try_lock() {
    std::lock_guard<std::mutex> guard(mutex_);
    if (serving_ != next_ticket_) return false;
    ++next_ticket_;
    return true;
  }
  void unlock() {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      ++serving_;
    }
    turn_.notify_all();
  }
  /// Threads holding or waiting for the lock (for tests and diagnostics).
  std::uint64_t queued() {
    std::lock_guard<std::mutex> guard(mutex_);
    return next_ticket_ - serving_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable turn_;
  std::uint64_t next_ticket_ = 0, serving_ = 0;
};

}  // namespace vigil
