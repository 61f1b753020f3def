#include "node/study_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "core/error.h"
#include "core/uid_hash.h"
#include "dicom/catalog.h"
#include "dicom/header_parser.h"
#include "pipeline/study_runner.h"
#include "pipeline/summary_json.h"

namespace vigil::node {

StudyWorker::StudyWorker(NodeStore& store, const NodeConfig& config, std::string name, WorklistStore* worklist)
    : store_(store), config_(config), name_(std::move(name)), worklist_(worklist) {}

ProcessedStudy StudyWorker::process(const Job& job) {
  std::vector<dicom::InstanceHeader> headers;
  const std::vector<std::string> paths = store_.instance_paths(job.study_uid);
  for (const auto& path : paths) headers.push_back(dicom::read_instance_header(path));
  const dicom::Catalog catalog = dicom::build_catalog(std::move(headers));
  if (catalog.studies.empty()) throw Error(ErrorCode::kNotFound, "study " + hash_uid(job.study_uid) + ": no instances");
  const dicom::Study& study = catalog.studies.front();

  ProcessedStudy result;
  StudyFacts facts;
  facts.calling_ae = store_.calling_ae(job.study_uid);
  for (const auto& series : study.series)
    facts.series.push_back({series.modality,
                            series.instances.empty() ? std::string() : series.instances.front().body_part_examined,
                            series.description});
  const Route route = route_study(config_.routes,
                                  {config_.pipeline_modalities, config_.result_destinations,
                                   config_.forward_destinations, config_.peers},
                                  facts);
  spdlog::info("study {} from {}: route {}", hash_uid(job.study_uid), facts.calling_ae, route.rule);
  if (route.run_pipeline) {
    pipeline::RunOptions options;
    options.threads = 0;
    options.analysis.models = config_.models;
    options.analysis.segmenter_candidates = config_.segmenter_candidates;
    options.revision = store_.revision(job.study_uid);
    const pipeline::StudyOutcome outcome = pipeline::run_study(study, config_.storage + "/results", options);
    for (const auto& t : outcome.timings) store_.record_timing(job.study_uid, t.stage, t.seconds);
    if (!outcome.succeeded()) throw Error(ErrorCode::kUnsupportedImage, outcome.error);
    result.result_folder = outcome.folder;
    if (worklist_)
      worklist_->upsert(pipeline::summary_json(outcome), outcome.folder, study.series.front().modality,
                        store_.first_received_at(job.study_uid));
    for (const auto& destination : route.results)
      for (const auto& file : outcome.dicom_files) result.deliveries.push_back({file, destination_name(destination), "result"});
    spdlog::info("study {} processed by {}: {} finding(s)", hash_uid(job.study_uid), name_, outcome.findings.size());
  }
  for (const auto& destination : route.forward)
    for (const auto& path : paths) result.deliveries.push_back({path, destination_name(destination), "forward"});
  return result;
}

bool StudyWorker::process_one() {
  const auto job = store_.lease(name_, config_.lease_s, now_s());
  if (!job) return false;
  spdlog::info("study {} leased by {} (attempt {})", hash_uid(job->study_uid), name_, job->attempt);
  std::atomic<bool> done{false};
  std::thread heartbeat([&] {
    while (!done) {
      for (int i = 0; i < 20 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (!done) store_.heartbeat(*job, name_, config_.lease_s, now_s());
    }
  });
  try {
    const ProcessedStudy result = process(*job);
    done = true;
    heartbeat.join();
    store_.processed(*job, name_, result, now_s());
  } catch (const Error& e) {
    done = true;
    heartbeat.join();
    // Input that cannot be processed will not become processable by retrying: dead-letter it now.
    const bool permanent = e.code() != ErrorCode::kIo && e.code() != ErrorCode::kDevice && e.code() != ErrorCode::kInternal;
    spdlog::warn("study {} failed ({}): {}", hash_uid(job->study_uid), permanent ? "dead-lettered" : "will retry", e.what());
    Job last = *job;
    if (permanent) last.attempt = config_.max_attempts;
    store_.failed(last, name_, e.what(), now_s());
  } catch (const std::exception& e) {
    done = true;
    heartbeat.join();
    spdlog::error("study {} failed: {}", hash_uid(job->study_uid), e.what());
    store_.failed(*job, name_, std::string("internal error: ") + e.what(), now_s());
  }
  return true;
}

void StudyWorker::run(const std::atomic<bool>& stop) {
  while (!stop) {
    bool worked = false;
    try {
      worked = process_one();
    } catch (const std::exception& e) {
      spdlog::error("worker {}: {}", name_, e.what());
    }
    if (!worked)
      for (int i = 0; i < 5 && !stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace vigil::node
