#include "models/sliding_window.h"

#include <ATen/autocast_mode.h>

#include <string>
#include <vector>

#ifdef VIGIL_HAVE_CUDA
#include <ATen/cuda/CUDAContext.h>
#endif

#include "core/error.h"
#include "kernels/patches.h"

namespace vigil::models {
namespace {

using torch::indexing::Slice;

kernels::Stream current_stream(const torch::Device& device) {
#ifdef VIGIL_HAVE_CUDA
  if (device.is_cuda()) return at::cuda::getCurrentCUDAStream(device.index()).stream();
#endif
  (void)device;
  return nullptr;
}

// fp16 autocast on CUDA for the whole call (one cast-weight cache for all batches, as
// torch.autocast around MONAI's loop does); turned off again on the way out, exceptions included.
class CudaAutocast {
 public:
  explicit CudaAutocast(bool enable) : enabled_(enable) {
    if (enabled_) at::autocast::set_autocast_enabled(at::kCUDA, true);
  }
  ~CudaAutocast() {
    if (!enabled_) return;
    at::autocast::set_autocast_enabled(at::kCUDA, false);
    at::autocast::clear_cache();
  }
  CudaAutocast(const CudaAutocast&) = delete;
  CudaAutocast& operator=(const CudaAutocast&) = delete;

 private:
  bool enabled_;
};

}  // namespace

torch::Tensor sliding_window(const Predictor& predict, const torch::Tensor& volume, const SlidingWindowOptions& o) {
  if (volume.dim() != 3) throw Error(ErrorCode::kInvalidArgument, "sliding window: the volume must be D x H x W");
  if (o.batch < 1) throw Error(ErrorCode::kInvalidArgument, "sliding window: batch must be >= 1");
  c10::InferenceMode inference;  // no autograd bookkeeping at all (lighter than no_grad)
  const torch::Device device = volume.device();
  const auto [wz, wy, wx] = o.window_zyx;
  const std::int64_t depth = volume.size(0), height = volume.size(1), width = volume.size(2);
  // Volumes smaller than a window along an axis are padded up to it (and cropped back at the end).
  torch::Tensor v = volume.to(torch::kFloat32);
  const std::int64_t pad_z = std::max<std::int64_t>(0, wz - depth), pad_y = std::max<std::int64_t>(0, wy - height),
                     pad_x = std::max<std::int64_t>(0, wx - width);
  if (pad_z || pad_y || pad_x) v = torch::constant_pad_nd(v, {0, pad_x, 0, pad_y, 0, pad_z}, o.pad_value);
  v = v.contiguous();
  const kernels::Extent3 e{std::size_t(v.size(2)), std::size_t(v.size(1)), std::size_t(v.size(0))};
  const std::array<int, 3> window_xyz{wx, wy, wz};
  const std::vector<kernels::Index3> origins = kernels::plan_windows(e, window_xyz, o.overlap);
  std::vector<float> importance_host = kernels::gaussian_importance(window_xyz);
  const torch::Tensor importance =
      torch::from_blob(importance_host.data(), {wz, wy, wx}, torch::kFloat32).to(device).contiguous();
  const auto float_options = torch::TensorOptions().dtype(torch::kFloat32).device(device);
  torch::Tensor weight = torch::zeros({v.size(0), v.size(1), v.size(2)}, float_options), sum;
  const bool cuda = device.is_cuda();
  const kernels::Stream stream = current_stream(device);
  const CudaAutocast autocast(cuda && o.fp16_autocast_on_cuda);
  std::int64_t channels = 0;
  // Window origins as gather centres (the patch voxel w/2 sits on the centre), all uploaded once:
  // a copy per batch would make the host wait for the GPU before it could queue the next batch.
  std::vector<kernels::Index3> centres(origins.size());
  for (std::size_t w = 0; w < origins.size(); ++w)
    centres[w] = {origins[w].i + wx / 2, origins[w].j + wy / 2, origins[w].k + wz / 2};
  torch::Tensor device_centres;
  if (cuda)
    device_centres = torch::from_blob(centres.data(), {std::int64_t(centres.size()), 3}, torch::kInt32).to(device);
  static_assert(sizeof(kernels::Index3) == 3 * sizeof(int), "Index3 is three packed ints");

  for (std::size_t first = 0; first < origins.size(); first += std::size_t(o.batch)) {
    const std::size_t n = std::min(origins.size() - first, std::size_t(o.batch));
    torch::Tensor batch = torch::empty({std::int64_t(n), 1, wz, wy, wx}, float_options);
    if (cuda) {
      const auto* batch_centres = reinterpret_cast<const kernels::Index3*>(device_centres.data_ptr<int>()) + first;
      kernels::gather_patches_cuda(v.data_ptr<float>(), e, batch_centres, n, window_xyz, o.pad_value,
                                   batch.data_ptr<float>(), stream);
    } else {
      kernels::gather_patches_cpu(v.data_ptr<float>(), e, centres.data() + first, n, window_xyz, o.pad_value,
                                  batch.data_ptr<float>());
    }
    // On CUDA the output stays in the network's type (fp16 under autocast): the accumulation reads it.
    torch::Tensor out = predict(batch);
    const bool fp16 = cuda && out.scalar_type() == torch::kHalf;
    out = (fp16 ? out : out.to(torch::kFloat32)).contiguous();
    if (out.dim() != 5 || out.size(0) != std::int64_t(n) || out.size(2) != wz || out.size(3) != wy || out.size(4) != wx)
      throw Error(ErrorCode::kInvalidArgument, "sliding window: the network's output is not N x C x window");
    if (channels == 0) {
      channels = out.size(1);
      sum = torch::zeros({channels, v.size(0), v.size(1), v.size(2)}, float_options);
    } else if (out.size(1) != channels) {
      throw Error(ErrorCode::kInvalidArgument, "sliding window: the network's channel count changed between batches");
    }
    // Plain pointer arithmetic over the contiguous tensors: no tensor view per window.
    const std::size_t window_values = std::size_t(channels) * wz * wy * wx;
    for (std::size_t b = 0; b < n; ++b) {
      if (cuda)
        kernels::accumulate_window_channels_cuda(static_cast<const char*>(out.data_ptr()) + b * window_values * out.element_size(),
                                                 fp16, int(channels), importance.data_ptr<float>(), origins[first + b],
                                                 window_xyz, sum.data_ptr<float>(), weight.data_ptr<float>(), e, stream);
      else
        kernels::accumulate_window_channels_cpu(out.data_ptr<float>() + b * window_values, int(channels),
                                                importance.data_ptr<float>(), origins[first + b], window_xyz,
                                                sum.data_ptr<float>(), weight.data_ptr<float>(), e);
    }
  }
  // Every voxel lies in some window with importance >= 1e-3, so the weight is never 0. In place:
  // a second C x D x H x W tensor would double the peak memory.
  const torch::Tensor blended = sum.div_(weight.unsqueeze(0));
  return blended.index({Slice(), Slice(0, depth), Slice(0, height), Slice(0, width)}).contiguous();
}

}  // namespace vigil::models
