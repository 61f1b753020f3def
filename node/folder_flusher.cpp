#include "node/folder_flusher.h"

#include <exception>
#include <utility>

#include "core/error.h"

namespace vigil::node {

FolderFlusher::FolderFlusher(std::function<void(const std::string&)> flush) : flush_(std::move(flush)) {}

void FolderFlusher::flush(const std::string& folder) {
  std::unique_lock<std::mutex> lock(mutex_);
  FolderState& s = folders_[folder];  // std::map: references stay valid while other folders come and go
  ++s.users;
  const std::uint64_t ticket = ++s.requested;
  bool ok = true;
  for (;;) {
    if (s.flushed >= ticket) break;
    if (s.failed >= ticket) {
      ok = false;
      break;
    }
    if (s.in_progress) {  // it may have started before our rename: wait, then look again
      done_.wait(lock);
      continue;
    }
    // Lead: one flush for every ticket handed out so far.
    s.in_progress = true;
    const std::uint64_t covers = s.requested;
    lock.unlock();
    bool flushed = true;
    try {
      flush_(folder);
    } catch (const std::exception&) {
      flushed = false;
    }
    lock.lock();
    s.in_progress = false;
    (flushed ? s.flushed : s.failed) = covers;
    done_.notify_all();
  }
  if (--s.users == 0) folders_.erase(folder);
  if (!ok) throw Error(ErrorCode::kIo, folder + ": folder flush failed");
}

}  // namespace vigil::node
