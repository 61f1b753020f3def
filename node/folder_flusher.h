#pragma once
// Group flush of folders: a renamed file's name is durable once its folder is fsynced, and one
// fsync covers every rename made before it started. Concurrent associations writing into the
// same study folder therefore share flushes: a caller whose rename an in-progress flush may have
// missed waits for it, then either finds its rename covered by a later one or flushes itself,
// taking along everyone who queued meanwhile. A lone caller flushes at once, with no hand-off.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace vigil::node {

class FolderFlusher {
 public:
  /// `flush` makes a folder's entries durable (fsync_path in the node; a probe in tests); it
  /// throws on failure, and every caller it was flushing for gets that failure.
  explicit FolderFlusher(std::function<void(const std::string& folder)> flush);

  /// Returns once `folder` has been flushed by a flush that started after this call began.
  void flush(const std::string& folder);

 private:
  struct FolderState {
    std::uint64_t requested = 0;  ///< tickets handed out (one per call)
    std::uint64_t flushed = 0;    ///< every ticket up to this one is durable
    std::uint64_t failed = 0;     ///< every ticket up to this one saw its flush fail
    bool in_progress = false;
    int users = 0;                ///< callers inside flush() (the entry is dropped at zero)
  };
  std::function<void(const std::string&)> flush_;
  std::mutex mutex_;
  std::condition_variable done_;
  std::map<std::string, FolderState> folders_;
};

}  // namespace vigil::node
