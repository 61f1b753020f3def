#include "dicom/catalog.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdicdir.h>
#include <dcmtk/dcmdata/dcdirrec.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>

#include "core/error.h"
#include "core/parallel.h"
#include "core/uid_hash.h"
#include "dicom/dcmtk_setup.h"
#include "dicom/header_parser.h"

namespace fs = std::filesystem;

namespace vigil::dicom {
namespace {

// Media Storage Directory Storage: a DICOMDIR, an index rather than an instance (PS3.10 7.2).
constexpr const char* kDicomDirSopClass = UID_MediaStorageDirectoryStorage;

// Referenced File ID is a path split into components by backslashes (PS3.10 8.5).
std::vector<std::string> dicomdir_referenced_files(const std::string& dicomdir_path) {
  ensure_dcmtk_ready();
  DcmDicomDir dir(dicomdir_path.c_str());
  if (dir.error().bad())
    throw Error(ErrorCode::kCorruptDicom, dicomdir_path + ": cannot read DICOMDIR: " + dir.error().text());
  const fs::path base = fs::path(dicomdir_path).parent_path();
  std::vector<std::string> files;
  std::vector<DcmDirectoryRecord*> stack{&dir.getRootRecord()};
  while (!stack.empty()) {
    DcmDirectoryRecord* rec = stack.back();
    stack.pop_back();
    OFString id;
    if (rec->findAndGetOFStringArray(DCM_ReferencedFileID, id).good() && !id.empty()) {
      std::string rel(id.c_str());
      std::replace(rel.begin(), rel.end(), '\\', '/');
      files.push_back((base / rel).string());
    }
    for (unsigned long i = 0; i < rec->cardSub(); ++i) stack.push_back(rec->getSub(i));
  }
  return files;
}

std::vector<std::string> list_files(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(ErrorCode::kNotFound, path + ": no such file or folder");
  if (fs::is_regular_file(path, ec)) {
    if (fs::path(path).filename() == "DICOMDIR") return dicomdir_referenced_files(path);
    return {path};
  }
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(it->path().string());
  }
  if (ec) throw Error(ErrorCode::kIo, path + ": cannot list folder: " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

const Series* Catalog::find_series(const std::string& uid) const {
  for (const auto& study : studies)
    for (const auto& series : study.series)
      if (series.series_instance_uid == uid) return &series;
  return nullptr;
}

Catalog build_catalog(std::vector<InstanceHeader> headers) {
  Catalog catalog;
  std::map<std::string, std::size_t> study_index;
  std::map<std::pair<std::size_t, std::string>, std::size_t> series_index;
  for (auto& h : headers) {
    auto [sit, new_study] = study_index.emplace(h.study_instance_uid, catalog.studies.size());
    if (new_study) {
      Study s;
      s.study_instance_uid = h.study_instance_uid;
      s.patient_key = hash_uid(h.patient_id + "^" + h.patient_name);
      s.study_date = h.study_date;
      s.description = h.study_description;
      catalog.studies.push_back(std::move(s));
    }
    Study& study = catalog.studies[sit->second];
    auto [rit, new_series] = series_index.emplace(std::make_pair(sit->second, h.series_instance_uid),
                                                  study.series.size());
    if (new_series) {
      Series s;
      s.series_instance_uid = h.series_instance_uid;
      s.modality = h.modality;
      s.description = h.series_description;
      s.series_number = h.series_number;
      study.series.push_back(std::move(s));
    }
    study.series[rit->second].instances.push_back(std::move(h));
  }
  for (auto& study : catalog.studies) {
    std::stable_sort(study.series.begin(), study.series.end(), [](const Series& a, const Series& b) {
      return a.series_number.value_or(1 << 30) < b.series_number.value_or(1 << 30);
    });
  }
  return catalog;
}

Catalog scan_catalog(const std::string& path, const CatalogOptions& options) {
  const std::vector<std::string> files = list_files(path);
  std::vector<std::optional<InstanceHeader>> headers(files.size());
  std::vector<SkippedFile> skipped;
  std::mutex skipped_mutex;
  parallel_for(
      files.size(),
      [&](std::size_t i) {
        try {
          InstanceHeader h = read_instance_header(files[i]);
          if (h.sop_class_uid == kDicomDirSopClass) {
            std::lock_guard<std::mutex> lock(skipped_mutex);
            skipped.push_back({files[i], "DICOMDIR index (the files it lists are scanned directly)", false});
            return;
          }
          headers[i] = std::move(h);
        } catch (const Error& e) {
          std::lock_guard<std::mutex> lock(skipped_mutex);
          skipped.push_back({files[i], e.what(), e.code() == ErrorCode::kNotDicom});
        }
      },
      options.threads);
  std::vector<InstanceHeader> parsed;
  parsed.reserve(files.size());
  for (auto& h : headers)
    if (h) parsed.push_back(std::move(*h));
  Catalog catalog = build_catalog(std::move(parsed));
  std::sort(skipped.begin(), skipped.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  catalog.skipped = std::move(skipped);
  catalog.files_seen = files.size();
  return catalog;
}

}  // namespace vigil::dicom
