#include "pipeline/evaluation.h"

#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkNrrdImageIO.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "dicom/catalog.h"
#include "dicom/volume_reader.h"
#include "pipeline/lesion_measurement.h"
#include "pipeline/study_runner.h"

namespace vigil::pipeline {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Truth {
  std::vector<TruthLesion> lesions;
  std::vector<LesionOutcome> outcomes;  // id, size, type, placement filled
};

Truth read_truth(const std::string& folder) {
  std::ifstream in(folder + "/truth.json");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, folder + "/truth.json: not valid JSON: " + e.what());
  }
  Truth t;
  for (const auto& l : j.at("lesions")) {
    const auto c = l.at("center_mm");
    t.lesions.push_back({{c.at(0).get<double>(), c.at(1).get<double>(), c.at(2).get<double>()}, l.at("diameter_mm").get<double>(), true});
    LesionOutcome o;
    o.study = fs::path(folder).filename().string();
    o.id = l.at("id").get<int>();
    o.diameter_mm = l.at("diameter_mm").get<double>();
    o.long_axis_mm = l.at("long_axis_mm").get<double>();
    o.type = l.at("type").get<std::string>();
    o.placement = l.at("placement").get<std::string>();
    t.outcomes.push_back(o);
  }
  return t;
}

// The generator's label volume (labels.nrrd): lesion id per voxel, with its geometry.
struct LabelImage {
  Geometry geometry;
  std::vector<std::uint16_t> labels;
};

LabelImage read_labels(const std::string& path) {
  using Image = itk::Image<std::uint16_t, 3>;
  auto reader = itk::ImageFileReader<Image>::New();
  reader->SetImageIO(itk::NrrdImageIO::New());
  reader->SetFileName(path);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throw Error(ErrorCode::kIo, path + ": cannot read the label volume: " + e.GetDescription());
  }
  const Image* image = reader->GetOutput();
  LabelImage out;
  const auto size = image->GetLargestPossibleRegion().GetSize();
  for (int a = 0; a < 3; ++a) {
    out.geometry.size[a] = size[a];
    out.geometry.spacing_mm[a] = image->GetSpacing()[a];
    out.geometry.origin_mm[a] = image->GetOrigin()[a];
    for (int b = 0; b < 3; ++b) out.geometry.direction[3 * a + b] = image->GetDirection()[a][b];
  }
  out.labels.assign(image->GetBufferPointer(), image->GetBufferPointer() + out.geometry.voxel_count());
  return out;
}

// Each truth lesion's voxels (linear indices into the label volume), from one pass over it.
std::unordered_map<int, std::vector<std::size_t>> lesion_voxels(const LabelImage& truth) {
  std::unordered_map<int, std::vector<std::size_t>> out;
  for (std::size_t v = 0; v < truth.labels.size(); ++v)
    if (truth.labels[v] != 0) out[truth.labels[v]].push_back(v);
  return out;
}

// Dice of a truth lesion's voxels (in `truth`'s grid) against finding `number` in the analysed
// labels, truth voxels mapped into the analysed grid by their centres.
double lesion_dice(const Geometry& truth, const std::vector<std::size_t>& voxels, const LabelVolume& found, int number) {
  const Geometry& g = found.geometry;
  std::unordered_set<std::size_t> t;
  for (std::size_t v : voxels)
    if (const auto q = g.nearest_voxel(truth.voxel_to_physical(v))) t.insert(*q);
  std::size_t f = 0, both = 0;
  for (std::size_t v = 0; v < found.labels.size(); ++v)
    if (found.labels[v] == number) ++f, both += t.count(v);
  return t.size() + f == 0 ? 0.0 : 2.0 * double(both) / double(t.size() + f);
}

std::string size_bin(double d) {
  if (d < 6) return "<6 mm";
  if (d < 10) return "6-10 mm";
  if (d < 20) return "10-20 mm";
  return ">=20 mm";
}

double median(std::vector<double> v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

json froc_json(const Froc& f) {
  json points = json::array();
  for (const auto& p : f.curve) points.push_back({{"threshold", p.threshold}, {"fp_per_study", p.fp_per_study}, {"sensitivity", p.sensitivity}});
  json at = json::object();
  for (std::size_t r = 0; r < Froc::kRates.size(); ++r) at[std::to_string(Froc::kRates[r])] = f.sensitivity_at[r];
  return {{"cpm", f.cpm}, {"lesions", f.lesions}, {"studies", f.studies}, {"sensitivity_at_fp_per_study", at}, {"curve", points}};
}

}  // namespace

EvalReport evaluate(const std::string& data, const AnalysisOptions& options, unsigned threads,
                    const std::function<void(std::size_t, std::size_t, const std::string&)>& progress) {
  std::vector<std::string> folders;
  if (fs::is_directory(data))
    for (const auto& e : fs::directory_iterator(data))
      if (e.is_directory() && fs::exists(e.path() / "truth.json")) folders.push_back(e.path().string());
  std::sort(folders.begin(), folders.end());
  if (folders.empty()) throw Error(ErrorCode::kNotFound, data + ": no study folder with a truth.json");

  EvalReport report;
  std::vector<std::vector<Mark>> marks;
  std::vector<std::vector<TruthLesion>> truths, solid_5mm;
  std::map<std::string, double> stage_sums;
  std::vector<std::string> stage_order;
  double analysis_seconds = 0;
  for (std::size_t s = 0; s < folders.size(); ++s) {
    const std::string& folder = folders[s];
    const std::string name = fs::path(folder).filename().string();
    if (progress) progress(s, folders.size(), name);
    try {
      Truth truth = read_truth(folder);
      const dicom::Catalog catalog = dicom::scan_catalog(folder + "/dicom");
      if (catalog.studies.size() != 1) throw Error(ErrorCode::kInvalidArgument, "expected one DICOM study, found " + std::to_string(catalog.studies.size()));
      const dicom::Series* series = choose_ct_series(catalog.studies.front());
      if (!series) throw Error(ErrorCode::kUnsupportedImage, "no CT series to analyse");
      dicom::ReadOptions read;
      read.threads = threads;
      const Volume ct = dicom::read_volume(*series, read).volume;
      const auto t0 = std::chrono::steady_clock::now();
      const StudyAnalysis analysis = analyze_ct(ct, catalog.studies.front().study_instance_uid, options);
      analysis_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      report.algorithm = analysis.algorithm.name + " " + analysis.algorithm.version;
      for (const auto& t : analysis.timings) {
        if (!stage_sums.count(t.stage)) stage_order.push_back(t.stage);
        stage_sums[t.stage] += t.seconds;
      }
      const LabelImage labels = read_labels(folder + "/labels.nrrd");
      const auto truth_voxels = lesion_voxels(labels);
      for (auto& o : truth.outcomes)
        if (const auto it = truth_voxels.find(o.id); it != truth_voxels.end())
          o.mask_long_axis_mm = longest_slice_axes(labels.geometry, it->second).long_axis_mm;

      for (const Vec3& c : analysis.candidate_centres)
        if (const int hit = hit_lesion({c, 1.0}, truth.lesions); hit >= 0) truth.outcomes[std::size_t(hit)].has_candidate = true;
      std::vector<Mark> study_marks;
      for (const auto& c : analysis.scored_candidates) {
        study_marks.push_back({c.center_mm, c.probability});
        const int hit = hit_lesion(study_marks.back(), truth.lesions);
        if (hit >= 0) {
          double& best = truth.outcomes[std::size_t(hit)].best_probability;
          best = std::max(best, c.probability);
        }
      }
      for (const auto& f : analysis.findings) {
        const int hit = hit_lesion({f.center_mm, f.probability}, truth.lesions);
        if (hit < 0) {
          ++report.reported_false_positives;
          continue;
        }
        LesionOutcome& o = truth.outcomes[std::size_t(hit)];
        if (o.reported) continue;  // the most probable finding on it counts
        o.reported = true;
        const auto it = truth_voxels.find(o.id);
        if (it == truth_voxels.end()) throw Error(ErrorCode::kInvalidArgument, "labels.nrrd has no voxel of lesion " + std::to_string(o.id));
        o.dice = lesion_dice(labels.geometry, it->second, analysis.labels, f.number);
        o.long_axis_signed_error_mm = f.long_axis_mm - o.mask_long_axis_mm;
        o.long_axis_error_mm = std::abs(o.long_axis_signed_error_mm);
        o.long_axis_3d_signed_error_mm = f.long_axis_mm - o.long_axis_mm;
      }
      std::vector<TruthLesion> subset = truth.lesions;
      for (std::size_t i = 0; i < subset.size(); ++i)
        subset[i].counted = truth.outcomes[i].type == "solid" && truth.outcomes[i].diameter_mm >= 5.0;
      marks.push_back(std::move(study_marks));
      truths.push_back(truth.lesions);
      solid_5mm.push_back(std::move(subset));
      report.lesions.insert(report.lesions.end(), truth.outcomes.begin(), truth.outcomes.end());
      ++report.studies;
    } catch (const std::exception& e) {
      report.failed.push_back(name + ": " + e.what());
    }
  }
  if (progress) progress(folders.size(), folders.size(), "done");
  report.froc = compute_froc(marks, truths);
  report.froc_solid_5mm = compute_froc(marks, solid_5mm);
  report.seconds_per_study = report.studies ? analysis_seconds / double(report.studies) : 0;
  for (const auto& stage : stage_order) report.stage_seconds.push_back({stage, stage_sums[stage]});
  return report;
}

CandidateRecall candidate_recall_4mm(const EvalReport& report) {
  CandidateRecall r;
  for (const auto& l : report.lesions)
    if (l.diameter_mm >= 4.0) ++r.lesions, r.with_candidate += l.has_candidate;
  return r;
}

void write_eval_json(const EvalReport& r, const std::string& path) {
  const auto grouped = [&](const std::function<std::string(const LesionOutcome&)>& key) {
    std::map<std::string, std::pair<int, int>> counts;  // reported, total
    for (const auto& l : r.lesions) {
      auto& c = counts[key(l)];
      c.first += l.reported, ++c.second;
    }
    json out = json::object();
    for (const auto& [k, c] : counts)
      out[k] = {{"lesions", c.second}, {"reported", c.first}, {"sensitivity", c.second ? double(c.first) / c.second : 0.0}};
    return out;
  };
  std::vector<double> dice_8mm, axis_error, axis_bias, axis_3d_error, axis_3d_bias;
  for (const auto& l : r.lesions) {
    if (l.reported && l.diameter_mm >= 8.0) dice_8mm.push_back(l.dice);
    if (!l.reported) continue;
    axis_error.push_back(l.long_axis_error_mm), axis_bias.push_back(l.long_axis_signed_error_mm);
    axis_3d_error.push_back(std::abs(l.long_axis_3d_signed_error_mm)), axis_3d_bias.push_back(l.long_axis_3d_signed_error_mm);
  }
  std::size_t reported = 0;
  for (const auto& l : r.lesions) reported += l.reported;
  const CandidateRecall recall = candidate_recall_4mm(r);
  json lesions = json::array();
  for (const auto& l : r.lesions)
    lesions.push_back({{"study", l.study}, {"id", l.id}, {"diameter_mm", l.diameter_mm}, {"long_axis_mm", l.long_axis_mm},
                       {"mask_long_axis_mm", l.mask_long_axis_mm},
                       {"type", l.type}, {"placement", l.placement}, {"best_probability", l.best_probability}, {"has_candidate", l.has_candidate},
                       {"reported", l.reported}, {"dice", l.dice}, {"long_axis_error_mm", l.long_axis_error_mm},
                       {"long_axis_signed_error_mm", l.long_axis_signed_error_mm},
                       {"long_axis_3d_signed_error_mm", l.long_axis_3d_signed_error_mm}});
  json stages = json::object();
  for (const auto& t : r.stage_seconds) stages[t.stage] = r.studies ? t.seconds / double(r.studies) : 0.0;
  const std::size_t at_1fp = 3;  // Froc::kRates[3] == 1
  const json j = {
      {"cpm", r.froc.cpm},
      {"algorithm", r.algorithm},
      {"notice", "Synthetic phantoms only: these figures say nothing about patients. Research use only."},
      {"studies", r.studies},
      {"failed", r.failed},
      {"froc", froc_json(r.froc)},
      {"solid_5mm_and_larger", {{"sensitivity_at_1_fp_per_study", r.froc_solid_5mm.sensitivity_at[at_1fp]},
                                {"froc", froc_json(r.froc_solid_5mm)}}},
      {"operating_point", {{"lesions", r.lesions.size()},
                           {"reported", reported},
                           {"sensitivity", r.lesions.empty() ? 0.0 : double(reported) / double(r.lesions.size())},
                           {"false_positives_per_study", r.studies ? double(r.reported_false_positives) / double(r.studies) : 0.0},
                           {"by_size", grouped([](const LesionOutcome& l) { return size_bin(l.diameter_mm); })},
                           {"by_type", grouped([](const LesionOutcome& l) { return l.type; })},
                           {"by_placement", grouped([](const LesionOutcome& l) { return l.placement; })}}},
      {"candidate_recall_4mm_and_larger",
       {{"lesions", recall.lesions}, {"with_candidate", recall.with_candidate},
        {"recall", recall.lesions ? double(recall.with_candidate) / double(recall.lesions) : 0.0},
        {"what", "lesions >= 4 mm with a candidate within their radius, among the candidates before NMS (at most "
                 "CandidateOptions::max_candidates a study)"}}},
      {"dice_lesions_8mm_and_larger", {{"count", dice_8mm.size()}, {"median", median(dice_8mm)}}},
      {"long_axis_error_mm", {{"against", "the truth mask measured by the same RECIST rule (longest in-plane axis over slices)"},
                              {"count", axis_error.size()}, {"median", median(axis_error)},
                              {"median_signed", median(axis_bias)}}},
      {"long_axis_error_vs_generator_3d_mm", {{"against", "the generator's 3-D long axis (truth.json long_axis_mm)"},
                                              {"count", axis_3d_error.size()}, {"median", median(axis_3d_error)},
                                              {"median_signed", median(axis_3d_bias)}}},
      {"seconds_per_study", r.seconds_per_study},
      {"stage_seconds_per_study", stages},
      {"lesion_outcomes", lesions}};
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  if (!out.flush()) throw Error(ErrorCode::kIo, path + ": cannot write");
}

void write_froc_png(const EvalReport& r, const std::string& path) {
  const int w = 720, h = 480, left = 70, right = 20, top = 40, bottom = 60;
  cv::Mat img(h, w, CV_8UC3, cv::Scalar(255, 255, 255));
  const auto x_of = [&](double fp) {
    const double t = (std::log2(std::clamp(fp, 0.125, 8.0)) + 3.0) / 6.0;
    return int(left + t * (w - left - right));
  };
  const auto y_of = [&](double s) { return int(h - bottom - s * (h - top - bottom)); };
  const cv::Scalar grey(200, 200, 200), black(0, 0, 0), blue(200, 80, 0);
  for (double fp : Froc::kRates) {
    cv::line(img, {x_of(fp), top}, {x_of(fp), h - bottom}, grey);
    const std::string label = fp < 1 ? "1/" + std::to_string(int(std::lround(1 / fp))) : std::to_string(int(fp));
    cv::putText(img, label, {x_of(fp) - 10, h - bottom + 20}, cv::FONT_HERSHEY_SIMPLEX, 0.45, black);
  }
  for (int i = 0; i <= 10; ++i) {
    cv::line(img, {left, y_of(i / 10.0)}, {w - right, y_of(i / 10.0)}, grey);
    if (i % 2 == 0) cv::putText(img, cv::format("%.1f", i / 10.0), {left - 35, y_of(i / 10.0) + 5}, cv::FONT_HERSHEY_SIMPLEX, 0.45, black);
  }
  cv::rectangle(img, {left, top}, {w - right, h - bottom}, black);
  // The curve as a staircase over the plotted range (false positives below 1/8 sit on the left edge).
  std::vector<cv::Point> points;
  double last_s = 0;
  for (const auto& p : r.froc.curve) {
    if (p.fp_per_study > 8) break;
    points.push_back({x_of(p.fp_per_study), y_of(last_s)});
    points.push_back({x_of(p.fp_per_study), y_of(p.sensitivity)});
    last_s = p.sensitivity;
  }
  points.push_back({x_of(8), y_of(last_s)});
  cv::polylines(img, points, false, blue, 2, cv::LINE_AA);
  for (std::size_t i = 0; i < Froc::kRates.size(); ++i)
    cv::circle(img, {x_of(Froc::kRates[i]), y_of(r.froc.sensitivity_at[i])}, 4, blue, cv::FILLED, cv::LINE_AA);
  cv::putText(img, cv::format("FROC, %zu studies, %zu lesions: CPM %.3f (synthetic, research use only)", r.froc.studies,
                              r.froc.lesions, r.froc.cpm),
              {left, 25}, cv::FONT_HERSHEY_SIMPLEX, 0.5, black);
  cv::putText(img, "false positives per study", {w / 2 - 90, h - 15}, cv::FONT_HERSHEY_SIMPLEX, 0.5, black);
  if (!cv::imwrite(path, img)) throw Error(ErrorCode::kIo, path + ": cannot write");
}

}  // namespace vigil::pipeline
