#include "models/lesion_models.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <optional>

#include "core/fifo_mutex.h"
#include "kernels/components.h"
#include "models/detection/patch_sampler.h"
#include "models/package/model_loader.h"
#include "models/torch_runtime.h"

namespace vigil::models {
namespace {

// Patches per forward pass. On the CPU batches of four were the fastest (the sample's classifier
// stage: 16 → 8.2 s, 8 → 6.8–8.0 s, 4 → 5.0–6.0 s, 2 → 6.2–6.4 s) and a batch of one took 24
// times as long per patch (1.2 s for four flips), so a lone patch goes through as two. The U-Net's
// activations for one 48^3 window are about 30 MiB: four at a time also keep the peak memory of
// `vigil run` near its floor.
constexpr std::size_t kBatchCuda = 16, kBatchCpu = 4;

detection::PatchGrid grid_of(const ModelManifest& m) {
  return {m.input_spacing_mm, m.patch_size_zyx, m.intensity_window_hu[0], m.intensity_window_hu[1]};
}

// Patches around centres [begin, end) as an N x 1 x D x H x W tensor on `device`.
torch::Tensor patch_batch(const Volume& ct, const std::vector<Vec3>& centres, std::size_t begin, std::size_t end,
                          const detection::PatchGrid& grid, const torch::Device& device) {
  const auto& s = grid.size_zyx;
  const std::size_t voxels = std::size_t(s[0]) * s[1] * s[2];
  torch::Tensor batch = torch::empty({std::int64_t(end - begin), 1, s[0], s[1], s[2]});
  for (std::size_t n = begin; n < end; ++n) {
    const std::vector<float> patch = detection::sample_patch(ct, centres[n], grid);
    std::copy(patch.begin(), patch.end(), batch.data_ptr<float>() + (n - begin) * voxels);
  }
  return batch.to(device);
}

// The network's outputs for `batch` (N x 1 x D x H x W), averaged over the mirror images the
// manifest's test-time augmentation names (logits: averaging them keeps the output's meaning).
torch::Tensor predict_with_tta(const LoadedModel& m, const torch::Tensor& batch) {
  if (m.manifest.test_time_augmentation != "in-plane-flips") return m.predict(batch);
  torch::Tensor sum = m.predict(batch);
  for (const std::vector<std::int64_t>& axes : {std::vector<std::int64_t>{4}, {3}, {3, 4}}) {
    torch::Tensor out = m.predict(batch.flip(axes));
    if (out.dim() == 5) out = out.flip(axes);  // a segmenter's map: mirrored back onto the input
    sum = sum + out;
  }
  return sum / 4;
}

// The 26-connected component of `mask` (kernels' labelling) nearest `centre` (voxel index), if
// one lies within `reach` voxels (per axis); everything else cleared.
void keep_component_near(std::vector<std::uint8_t>& mask, const std::array<int, 3>& n, const std::array<double, 3>& centre,
                         const std::array<double, 3>& reach) {
  const kernels::Components c =
      kernels::connected_components_cpu(mask.data(), {std::size_t(n[0]), std::size_t(n[1]), std::size_t(n[2])});
  std::uint32_t best = 0;
  double best_d = std::numeric_limits<double>::infinity();
  for (std::size_t v = 0; v < mask.size(); ++v) {
    if (!c.labels[v]) continue;
    const double dx = (double(v % n[0]) - centre[0]) / reach[0], dy = (double(v / n[0] % n[1]) - centre[1]) / reach[1],
                 dz = (double(v / (std::size_t(n[0]) * n[1])) - centre[2]) / reach[2];
    const double d = dx * dx + dy * dy + dz * dz;
    if (d <= 1.0 && d < best_d) best_d = d, best = c.labels[v];
  }
  for (std::size_t v = 0; v < mask.size(); ++v) mask[v] = best != 0 && c.labels[v] == best;
}

// A batch of one on the CPU goes through as two (see kBatchCpu); the first output is its own.
torch::Tensor predict_batch(const LoadedModel& m, const torch::Tensor& batch) {
  if (batch.size(0) != 1 || m.device.is_cuda()) return predict_with_tta(m, batch);
  return predict_with_tta(m, torch::cat({batch, batch})).slice(0, 0, 1);
}

std::size_t batch_size(const LoadedModel& m) { return m.device.is_cuda() ? kBatchCuda : kBatchCpu; }

// One batch of zeros through the network as inference runs it: on CUDA the first call pays for
// cuDNN's and cuBLAS's handles and for loading the kernels it uses.
void warm_up(const LoadedModel& m) {
  const auto& s = m.manifest.patch_size_zyx;
  const torch::Tensor zeros = torch::zeros({std::int64_t(batch_size(m)), 1, s[0], s[1], s[2]}, torch::TensorOptions(m.device));
  (void)predict_with_tta(m, zeros).sum().item<float>();  // waits for the device
}

// Vigil's networks in LibTorch, loaded by the constructor.
class TorchLesionModels final : public LesionModels {
 public:
  TorchLesionModels(const std::string& folder, bool use_cuda) {
    const TorchRuntime runtime = configure_torch(0, use_cuda);
    const torch::Device device = use_cuda && runtime.cuda_available ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    classifier_ = load_model(folder + "/classifier", device);
    segmenter_ = load_model(folder + "/segmenter", device);
    check_lesion_model_pair(folder, classifier_.manifest, segmenter_.manifest);
    // On a CPU the first batch costs little more than the others.
    if (device.is_cuda()) warm_up(classifier_), warm_up(segmenter_);
  }

  std::vector<double> classify(const Volume& ct, const std::vector<Vec3>& centres_mm) const override;
  std::vector<LesionMask> segment(const Volume& ct, const std::vector<Vec3>& centres_mm, double reach_mm) const override;
  std::vector<LesionMask> segment_windows(const Volume& ct, const std::vector<Vec3>& centres_mm) const override {
    return thresholded_windows(ct, centres_mm, std::nullopt);
  }
  const ModelManifest& classifier() const override { return classifier_.manifest; }
  const ModelManifest& segmenter() const override { return segmenter_.manifest; }
  std::string device() const override { return classifier_.device.is_cuda() ? "cuda" : "cpu"; }

 private:
  /// The segmenter's thresholded window around each centre; with `reach_mm`, only the component
  /// nearest the centre within it (keep_component_near).
  std::vector<LesionMask> thresholded_windows(const Volume& ct, const std::vector<Vec3>& centres,
                                              std::optional<double> reach_mm) const;

  LoadedModel classifier_, segmenter_;
  // One batch at a time, callers taking turns batch by batch: node workers share the models, and
  // a long pass (the segmenter over a whole lung) must not hold up another study's classifier.
  mutable FifoMutex turns_;
};

}  // namespace

std::unique_ptr<LesionModels> load_torch_lesion_models(const std::string& folder, bool use_cuda) {
  return std::make_unique<TorchLesionModels>(folder, use_cuda);
}

std::vector<double> TorchLesionModels::classify(const Volume& ct, const std::vector<Vec3>& centres) const {
  const LoadedModel& m = classifier_;
  const detection::PatchGrid grid = grid_of(m.manifest);
  std::vector<double> out;
  for (std::size_t begin = 0; begin < centres.size(); begin += batch_size(m)) {
    std::lock_guard lock(turns_);
    const std::size_t end = std::min(centres.size(), begin + batch_size(m));
    // Shifted so that 0.5 is the manifest's operating point (monotone: rankings are unchanged).
    const double t = m.manifest.operating_threshold, shift = std::log(t / (1 - t));
    const torch::Tensor p = torch::sigmoid(predict_batch(m, patch_batch(ct, centres, begin, end, grid, m.device)) - shift)
                                .to(torch::kCPU, torch::kDouble).reshape({-1}).contiguous();
    out.insert(out.end(), p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
  }
  std::lock_guard lock(turns_);  // not while another caller's batch runs
  release_network_buffers();
  return out;
}

std::vector<LesionMask> TorchLesionModels::segment(const Volume& ct, const std::vector<Vec3>& centres, double reach_mm) const {
  return thresholded_windows(ct, centres, reach_mm);
}

std::vector<LesionMask> TorchLesionModels::thresholded_windows(const Volume& ct, const std::vector<Vec3>& centres,
                                                               std::optional<double> reach_mm) const {
  const LoadedModel& m = segmenter_;
  const detection::PatchGrid grid = grid_of(m.manifest);
  const std::array<int, 3> n{grid.size_zyx[2], grid.size_zyx[1], grid.size_zyx[0]};
  const std::array<double, 3> centre{double(n[0] / 2), double(n[1] / 2), double(n[2] / 2)};
  const double r = reach_mm.value_or(0);
  const std::array<double, 3> reach{r / grid.spacing_mm[0], r / grid.spacing_mm[1], r / grid.spacing_mm[2]};
  std::vector<LesionMask> out;
  for (std::size_t begin = 0; begin < centres.size(); begin += batch_size(m)) {
    std::unique_lock lock(turns_);
    const std::size_t end = std::min(centres.size(), begin + batch_size(m));
    const torch::Tensor lesion = (torch::softmax(predict_batch(m, patch_batch(ct, centres, begin, end, grid, m.device)), 1)
                                      .select(1, 1) >= m.manifest.operating_threshold).to(torch::kCPU, torch::kUInt8).contiguous();
    lock.unlock();  // the masks below are this caller's own
    const std::size_t voxels = std::size_t(n[0]) * n[1] * n[2];
    for (std::size_t i = begin; i < end; ++i) {
      LesionMask mask{detection::patch_geometry(ct.geometry, centres[i], grid), {}};
      const std::uint8_t* p = lesion.data_ptr<std::uint8_t>() + (i - begin) * voxels;
      mask.mask.assign(p, p + voxels);
      if (reach_mm) keep_component_near(mask.mask, n, centre, reach);
      if (std::none_of(mask.mask.begin(), mask.mask.end(), [](std::uint8_t v) { return v != 0; })) mask.mask.clear();
      out.push_back(std::move(mask));
    }
  }
  std::lock_guard lock(turns_);
  release_network_buffers();
  return out;
}

}  // namespace vigil::models
