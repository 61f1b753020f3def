#pragma once
// Turns candidate centres into measured lesions: a region grown from each centre in the source
// volume, then size (RECIST-style long/short axis on the slice where the long axis is longest, volume), mean HU, attenuation
// type and the key-slice outline. Classical and explainable; used until the segmentation model
// (issue 7) provides the masks; also where the segmenter's mask is missing.

#include <vector>

#include "core/finding.h"
#include "core/volume.h"
#include "pipeline/candidate_detector.h"

namespace vigil::pipeline {

struct MeasurementOptions {
  std::size_t max_findings = 10;
  double min_probability = 0.5;     ///< candidates scoring below are not reported
  double min_diameter_mm = 3.0;     ///< equivalent-sphere diameter below which nothing is reported
  double lung_hu = -850;            ///< parenchyma level used for the growing threshold
  double ground_glass_hu = -750;    ///< the lowest growing threshold: ground glass lies above, aerated lung below
  double solid_hu = -300;           ///< voxels at or above are "solid" component
};

struct MeasuredLesions {
  std::vector<Finding> findings;  ///< numbered 1.., most probable first
  LabelVolume labels;             ///< in `ct`'s geometry
};

/// The lesion probability Vigil reports for a candidate: the classifier's when it scored it, else
/// a logistic map of the blob response (monotone, not calibrated against pathology).
double candidate_probability(const Candidate& candidate);

/// Measures the candidates in `ct` (any orientation; candidate centres are patient mm), most
/// probable first: on the segmenter's mask when the candidate has one, else on a region grown from
/// its centre.
/// `study_uid` keys each finding's tracking UID so re-running gives the same UIDs.
MeasuredLesions measure_lesions(const Volume& ct, const std::vector<Candidate>& candidates,
                                const std::string& study_uid, const MeasurementOptions& options = {});

/// RECIST-style size of a lesion given as linear voxel indices into `g`: the slice (index plane k)
/// whose outline has the longest long axis, that outline in patient mm, and its long and short axes.
/// The same rule measures Vigil's findings and, in `vigil eval`, the ground-truth masks.
struct SliceAxes {
  std::size_t slice = 0;
  std::vector<Vec3> outline_mm;
  double long_axis_mm = 0;
  double short_axis_mm = 0;
};
SliceAxes longest_slice_axes(const Geometry& g, const std::vector<std::size_t>& voxels);

/// Long axis (longest distance between two points) and short axis (extent perpendicular to it,
/// in the same plane) of a closed outline given in patient mm, plus `pixel_mm` for the pixels'
/// own width (outline points are pixel centres).
std::array<double, 2> outline_axes_mm(const std::vector<Vec3>& outline_mm, double pixel_mm);

}  // namespace vigil::pipeline
