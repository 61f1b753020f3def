"""Independent reader for the results tests: highdicom/pydicom read Vigil's SR and SEG and print
what they find as JSON (the C++ test compares it with summary.json).

usage: readback.py STUDY_FOLDER
"""
import json
import sys

import highdicom as hd
import numpy as np
import pydicom


def read_sr(path):
    sr = hd.sr.srread(path)
    out = []
    for group in sr.content.get_planar_roi_measurement_groups():
        values = {m.name.meaning: float(m.value) for m in group.get_measurements()}
        roi = group.roi
        out.append({
            "tracking_uid": str(group.tracking_uid),
            "tracking_identifier": group.tracking_identifier,
            "finding": group.finding_type.meaning if group.finding_type else None,
            "long_axis_mm": values.get("Long Axis"),
            "short_axis_mm": values.get("Short Axis"),
            "volume_mm3": values.get("Volume"),
            "probability": values.get("Lesion score (uncalibrated)"),
            "graphic_type": roi.graphic_type.value if roi is not None else None,
            "points": len(roi.value) if roi is not None else 0,
            "referenced_sop_instance_uid": (str(roi.ContentSequence[0].ReferencedSOPSequence[0].ReferencedSOPInstanceUID)
                                            if roi is not None else None),
        })
    return out


def read_seg(path):
    seg = hd.seg.segread(path)
    shared = seg.SharedFunctionalGroupsSequence[0]
    measures = shared.PixelMeasuresSequence[0]
    row_spacing, column_spacing = (float(v) for v in measures.PixelSpacing)
    thickness = float(measures.SliceThickness)
    orientation = np.array([float(v) for v in shared.PlaneOrientationSequence[0].ImageOrientationPatient])
    row_dir, col_dir = orientation[:3], orientation[3:]
    pixels = seg.pixel_array
    if pixels.ndim == 2:
        pixels = pixels[np.newaxis]
    per_segment = {}
    for index, frame in enumerate(seg.PerFrameFunctionalGroupsSequence):
        number = int(frame.SegmentIdentificationSequence[0].ReferencedSegmentNumber)
        position = np.array([float(v) for v in frame.PlanePositionSequence[0].ImagePositionPatient])
        rows, cols = np.nonzero(pixels[index])
        points = position + np.outer(cols * column_spacing, row_dir) + np.outer(rows * row_spacing, col_dir)
        entry = per_segment.setdefault(number, {"voxels": 0, "sum": np.zeros(3)})
        entry["voxels"] += len(rows)
        entry["sum"] += points.sum(axis=0)
    out = []
    for description in seg.SegmentSequence:
        number = int(description.SegmentNumber)
        entry = per_segment.get(number, {"voxels": 0, "sum": np.zeros(3)})
        voxels = entry["voxels"]
        out.append({
            "segment_number": number,
            "tracking_uid": str(description.get("TrackingUID", "")),
            "voxels": voxels,
            "volume_mm3": voxels * row_spacing * column_spacing * thickness,
            "centroid_mm": (entry["sum"] / max(voxels, 1)).tolist(),
        })
    return out


def main():
    folder = sys.argv[1]
    result = {"sr": read_sr(folder + "/sr.dcm")}
    try:
        result["seg"] = read_seg(folder + "/seg.dcm")
    except FileNotFoundError:
        result["seg"] = None
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
