#include "models/background_models.h"

#include <future>

#include "core/error.h"

namespace vigil::models {
namespace {

class BackgroundLesionModels final : public LesionModels {
 public:
  BackgroundLesionModels(const std::string& folder, LesionModelsLoader load)
      : classifier_(read_manifest(folder + "/classifier")), segmenter_(read_manifest(folder + "/segmenter")) {
    check_lesion_model_pair(folder, classifier_, segmenter_);
    verified_weights_path(classifier_);  // a wrong hash is refused before anything loads
    verified_weights_path(segmenter_);
    loading_ = std::async(std::launch::async, [this, folder, load = std::move(load)] {
                 loaded_ = load();
                 if (!loaded_) throw Error(ErrorCode::kInternal, folder + ": the networks' loader returned none");
               }).share();
  }

  ~BackgroundLesionModels() override { loading_.wait(); }  // the loading thread writes into this

  void wait_until_loaded() const override { loading_.get(); }  // rethrows the load's error
  std::vector<double> classify(const Volume& ct, const std::vector<Vec3>& centres_mm) const override {
    return networks().classify(ct, centres_mm);
  }
  std::vector<LesionMask> segment(const Volume& ct, const std::vector<Vec3>& centres_mm, double reach_mm) const override {
    return networks().segment(ct, centres_mm, reach_mm);
  }
  std::vector<LesionMask> segment_windows(const Volume& ct, const std::vector<Vec3>& centres_mm) const override {
    return networks().segment_windows(ct, centres_mm);
  }
  const ModelManifest& classifier() const override { return classifier_; }
  const ModelManifest& segmenter() const override { return segmenter_; }
  std::string device() const override { return networks().device(); }

 private:
  const LesionModels& networks() const {
    wait_until_loaded();
    return *loaded_;
  }

  ModelManifest classifier_, segmenter_;
  std::unique_ptr<LesionModels> loaded_;  // written by the loading thread before `loading_` is ready
  std::shared_future<void> loading_;
};

}  // namespace

std::unique_ptr<LesionModels> load_in_background(const std::string& folder, LesionModelsLoader load) {
  return std::make_unique<BackgroundLesionModels>(folder, std::move(load));
}

}  // namespace vigil::models
