#include "node/receiver.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "core/uid_hash.h"
#include "dicom/header_parser.h"

namespace vigil::node {

void fsync_path(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw Error(ErrorCode::kIo, path + ": cannot open to fsync");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw Error(ErrorCode::kIo, path + ": fsync failed");
}

Receiver::Receiver(NodeStore& store, const NodeConfig& config)
    : store_(store), config_(config), folders_([](const std::string& folder) { fsync_path(folder); }) {
  // Checked once before the first association: a caller that finds another association checking
  // gets the last answer, which must not be a default "not low".
  storage_low();
}

bool Receiver::storage_low() {
  std::unique_lock<std::mutex> lock(space_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return space_low_;  // another association is checking right now
  const double now = now_s();
  if (space_checked_at_ >= 0 && now - space_checked_at_ < 1.0) return space_low_;
  space_checked_at_ = now;
  struct statvfs fs {};
  if (::statvfs(config_.storage.c_str(), &fs) != 0) return space_low_;  // unknown: keep the last answer
  const double free_mb = double(fs.f_bavail) * double(fs.f_frsize) / (1024.0 * 1024.0);
  const bool low = free_mb < config_.min_free_mb;
  if (low != space_low_.exchange(low)) {
    if (low)
      spdlog::error("storage has {:.0f} MB free, under --min-free-mb {:.0f}: refusing new instances (A700) until space "
                    "is freed", free_mb, config_.min_free_mb);
    else
      spdlog::warn("storage has {:.0f} MB free again: accepting instances", free_mb);
  }
  return low;
}

std::uint16_t Receiver::on_instance(const dicom::IncomingInstance& in) {
  if (storage_low()) return 0xA700;  // out of resources: the sender keeps the instance and retries
  dicom::InstanceHeader h;
  try {
    h = dicom::read_instance_header(in.temp_path);
  } catch (const Error& e) {
    spdlog::warn("refused instance from {}: unreadable data set ({})", in.calling_ae, e.code() == ErrorCode::kIo ? "io" : "corrupt");
    return 0xC000;  // cannot understand
  }
  if (h.study_instance_uid.empty() || h.sop_instance_uid.empty()) {
    spdlog::warn("refused instance from {}: no Study or SOP Instance UID", in.calling_ae);
    return 0xC000;
  }
  if (h.sop_instance_uid != in.sop_instance_uid) {
    spdlog::warn("refused instance {} from {}: data set UID differs from the request", hash_uid(in.sop_instance_uid),
                 in.calling_ae);
    return 0xC000;
  }
  // Recorded already (a resend, e.g. after the sender lost our response): success, and neither the
  // copy nor a flush is kept. record_instance below still settles two copies arriving at once.
  if (store_.has_instance(h.sop_instance_uid)) {
    std::error_code ec;
    std::filesystem::remove(in.temp_path, ec);
    spdlog::info("duplicate instance {} (study {}) kept as first received", hash_uid(h.sop_instance_uid),
                 hash_uid(h.study_instance_uid));
    return 0x0000;
  }
  const std::string folder = config_.storage + "/instances/" + hash_uid(h.study_instance_uid);
  const std::string final_path = folder + "/" + h.sop_instance_uid + ".dcm";
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) return 0xA700;
  // Durable before success: data to disk, the name to the folder, then the database row.
  fsync_path(in.temp_path);
  const bool first_copy = !std::filesystem::exists(final_path);
  if (first_copy) {
    std::filesystem::rename(in.temp_path, final_path, ec);
    if (ec) return 0xA700;
    folders_.flush(folder);
  } else {
    std::filesystem::remove(in.temp_path, ec);
  }
  ReceivedInstance r{h.sop_instance_uid, h.sop_class_uid, h.study_instance_uid, h.series_instance_uid, h.modality,
                     final_path, static_cast<std::int64_t>(std::filesystem::file_size(final_path, ec)), in.calling_ae,
                     h.study_related_instances};
  const bool recorded = store_.record_instance(r, config_.late_policy, now_s());
  if (!recorded) spdlog::info("duplicate instance {} (study {}) kept as first received", hash_uid(h.sop_instance_uid),
                              hash_uid(h.study_instance_uid));
  return 0x0000;
}

void Receiver::on_association(const dicom::AssociationSummary& s) {
  spdlog::info("association calling={} called={} peer={} stored={} refused={} outcome={}", s.calling_ae, s.called_ae,
               s.peer_host, s.stored, s.refused, s.outcome);
  try {
    store_.audit("association", s.calling_ae, s.called_ae, s.peer_host, static_cast<std::int64_t>(s.stored),
                 s.outcome + (s.refused ? " (" + std::to_string(s.refused) + " refused)" : ""), now_s());
  } catch (const std::exception& e) {
    spdlog::error("audit write failed: {}", e.what());
  }
}

}  // namespace vigil::node
