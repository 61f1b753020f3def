#include "dicom/volume_reader.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.h"
#include "core/parallel.h"
#include "core/uid_hash.h"
#include "dicom/pixel_decoder.h"

namespace vigil::dicom {
namespace {

std::string series_label(const Series& series) {
  return "series " + hash_uid(series.series_instance_uid) + " (" + series.modality + ")";
}

// Bilinear sample of a slice at a continuous pixel position; `outside` beyond its edge.
float sample_bilinear(const float* slice, std::size_t nx, std::size_t ny, double x, double y, float outside) {
  if (x < 0 || y < 0 || x > static_cast<double>(nx - 1) || y > static_cast<double>(ny - 1)) return outside;
  const std::size_t x0 = std::min<std::size_t>(static_cast<std::size_t>(x), nx > 1 ? nx - 2 : 0);
  const std::size_t y0 = std::min<std::size_t>(static_cast<std::size_t>(y), ny > 1 ? ny - 2 : 0);
  const std::size_t x1 = std::min(x0 + 1, nx - 1), y1 = std::min(y0 + 1, ny - 1);
  const double fx = x - static_cast<double>(x0), fy = y - static_cast<double>(y0);
  const double top = slice[y0 * nx + x0] * (1 - fx) + slice[y0 * nx + x1] * fx;
  const double bottom = slice[y1 * nx + x0] * (1 - fx) + slice[y1 * nx + x1] * fx;
  return static_cast<float>(top * (1 - fy) + bottom * fy);
}

// Decodes the frames in `targets` (frame index → destination slice) file by file, in parallel.
void decode_into(const std::vector<FrameRef>& frames, const std::vector<std::size_t>& order, float* base,
                 std::size_t slice_voxels, unsigned threads) {
  // Group by instance so that a multi-frame file is loaded once.
  std::map<const InstanceHeader*, std::vector<std::pair<std::uint32_t, std::size_t>>> by_file;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const FrameRef& f = frames[order[k]];
    by_file[f.instance].emplace_back(f.frame, k);
  }
  std::vector<const decltype(by_file)::value_type*> jobs;
  for (const auto& entry : by_file) jobs.push_back(&entry);
  parallel_for(
      jobs.size(),
      [&](std::size_t j) {
        const InstanceHeader& h = *jobs[j]->first;
        PixelDecoder decoder(h);
        for (const auto& [frame, k] : jobs[j]->second) {
          const FrameHeader& fh = h.frames[frame];
          decoder.decode_frame(frame, fh.rescale_slope, fh.rescale_intercept, base + k * slice_voxels);
        }
      },
      threads);
}

// Why an image cannot become part of a scalar volume, or empty when it can.
std::string unsupported_pixels(const InstanceHeader& h) {
  if (h.samples_per_pixel != 1 ||
      (h.photometric_interpretation != "MONOCHROME2" && h.photometric_interpretation != "MONOCHROME1"))
    return h.photometric_interpretation + " image with " + std::to_string(h.samples_per_pixel) +
           " samples per pixel; only greyscale images form a volume";
  if (h.bits_allocated != 8 && h.bits_allocated != 16 && h.bits_allocated != 32)
    return "Bits Allocated " + std::to_string(h.bits_allocated) + " (e.g. a binary SEG) is not an image volume";
  return {};
}

}  // namespace

SeriesLayout analyze_series(const Series& series, const GeometryPolicy& policy) {
  SeriesLayout layout;
  std::size_t localizers = 0;
  std::vector<SliceInput> inputs;
  for (const auto& h : series.instances) {
    if (!h.is_image()) continue;
    if (const std::string why = unsupported_pixels(h); !why.empty()) {
      layout.frames.clear();
      layout.plan.findings.push_back({"unsupported_image", why, GeometryFinding::Action::kRefused});
      return layout;
    }
    if (h.is_localizer()) {
      ++localizers;
      continue;
    }
    for (std::uint32_t f = 0; f < h.number_of_frames && f < h.frames.size(); ++f) {
      const FrameHeader& fh = h.frames[f];
      layout.frames.push_back({&h, f});
      inputs.push_back({fh.position_mm, fh.orientation, fh.pixel_spacing_mm, fh.slice_thickness_mm, h.rows, h.columns});
    }
  }
  if (localizers > 0 && inputs.empty()) {
    layout.plan.findings.push_back({"localizer",
                                    "the series holds only localizer (scout) images: " + std::to_string(localizers) +
                                        ", not a volume",
                                    GeometryFinding::Action::kRefused});
    return layout;
  }
  layout.plan = plan_slices(inputs, policy);
  if (localizers > 0) {
    layout.plan.findings.insert(layout.plan.findings.begin(),
                                {"localizer", std::to_string(localizers) + " localizer image(s) excluded from the volume",
                                 GeometryFinding::Action::kCorrected});
  }
  return layout;
}

VolumeReadResult read_volume(const Series& series, const ReadOptions& options) {
  const SeriesLayout layout = analyze_series(series, options.policy);
  const SlicePlan& plan = layout.plan;
  if (plan.refused())
    throw Error(ErrorCode::kGeometry, series_label(series) + ": refused: " + plan.refusal_reason());

  VolumeReadResult result;
  result.findings = plan.findings;
  Volume& volume = result.volume;
  volume.geometry = plan.geometry;
  const std::size_t nx = plan.geometry.size[0], ny = plan.geometry.size[1];
  const std::size_t slice_voxels = nx * ny;
  const std::size_t n_in = plan.order.size();
  try {
    if (!plan.shear && !plan.resample_z) {
      volume.voxels.resize(volume.geometry.voxel_count());
      decode_into(layout.frames, plan.order, volume.voxels.data(), slice_voxels, options.threads);
      return result;
    }
    // Corrections need every input slice first; the output grid differs from the input stack.
    const std::size_t in_x = layout.frames.front().instance->columns, in_y = layout.frames.front().instance->rows;
    const std::size_t in_slice = in_x * in_y;
    std::vector<float> stack(n_in * in_slice);
    decode_into(layout.frames, plan.order, stack.data(), in_slice, options.threads);
    if (plan.shear) {
      const float outside = *std::min_element(stack.begin(), stack.end());
      std::vector<float> sheared(n_in * slice_voxels);
      parallel_for(
          n_in,
          [&](std::size_t k) {
            const float* source = stack.data() + k * in_slice;
            float* dst = sheared.data() + k * slice_voxels;
            const double u = plan.shift_origin_px[0] - plan.shift_px[k][0];
            const double v = plan.shift_origin_px[1] - plan.shift_px[k][1];
            for (std::size_t j = 0; j < ny; ++j)
              for (std::size_t i = 0; i < nx; ++i)
                dst[j * nx + i] = sample_bilinear(source, in_x, in_y, static_cast<double>(i) + u,
                                                  static_cast<double>(j) + v, outside);
          },
          options.threads);
      stack = std::move(sheared);
    }
    if (!plan.resample_z) {
      volume.voxels = std::move(stack);
      return result;
    }
    const std::size_t n_out = plan.geometry.size[2];
    volume.voxels.resize(n_out * slice_voxels);
    const auto& pos = plan.positions_mm;
    parallel_for(
        n_out,
        [&](std::size_t m) {
          const double z = std::min(static_cast<double>(m) * plan.geometry.spacing_mm[2], pos.back());
          std::size_t k = static_cast<std::size_t>(std::upper_bound(pos.begin(), pos.end(), z) - pos.begin());
          k = std::clamp<std::size_t>(k, 1, n_in - 1) - 1;
          const double t = std::clamp((z - pos[k]) / (pos[k + 1] - pos[k]), 0.0, 1.0);
          const float* a = stack.data() + k * slice_voxels;
          const float* b = a + slice_voxels;
          float* dst = volume.voxels.data() + m * slice_voxels;
          const float wa = static_cast<float>(1 - t), wb = static_cast<float>(t);
          for (std::size_t i = 0; i < slice_voxels; ++i) dst[i] = a[i] * wa + b[i] * wb;
        },
        options.threads);
  } catch (const Error& e) {
    throw Error(e.code(), series_label(series) + ": " + e.what());
  }
  return result;
}

}  // namespace vigil::dicom
