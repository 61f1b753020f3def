"""Peer for vigil_results_bench: writes the same TID 1500 SR as Vigil (one planar ROI group per
finding: tracking id/UID, finding, site, outline SCOORD, long/short axis, volume, probability)
with highdicom, and prints the median seconds of building + saving it.

usage: highdicom_sr.py FINDINGS_JSON SOURCE_DIR OUT_FILE [REPETITIONS]
"""
import glob
import json
import statistics
import sys
import time

import highdicom as hd
import numpy as np
import pydicom
from pydicom.sr.codedict import codes


def build(findings, sources, by_uid):
    groups = []
    for f in findings:
        image = by_uid[f["sop_instance_uid"]]
        region = hd.sr.ImageRegion(
            graphic_type=hd.sr.GraphicTypeValues.POLYLINE,
            graphic_data=np.array(f["outline_px"], dtype=float),
            source_image=hd.sr.SourceImageForRegion.from_source_image(image),
        )
        measurements = [
            hd.sr.Measurement(name=hd.sr.CodedConcept("103339001", "SCT", "Long Axis"), value=f["long_axis_mm"],
                              unit=codes.UCUM.Millimeter),
            hd.sr.Measurement(name=hd.sr.CodedConcept("103340004", "SCT", "Short Axis"), value=f["short_axis_mm"],
                              unit=codes.UCUM.Millimeter),
            hd.sr.Measurement(name=hd.sr.CodedConcept("118565006", "SCT", "Volume"), value=f["volume_mm3"],
                              unit=hd.sr.CodedConcept("mm3", "UCUM", "cubic millimeter")),
            hd.sr.Measurement(name=hd.sr.CodedConcept("VG-SCORE", "99VIGIL", "Lesion score (uncalibrated)"),
                              value=f["probability"], unit=hd.sr.CodedConcept("1", "UCUM", "no units")),
        ]
        groups.append(hd.sr.PlanarROIMeasurementsAndQualitativeEvaluations(
            tracking_identifier=hd.sr.TrackingIdentifier(uid=f["tracking_uid"], identifier="Lesion %d" % f["number"]),
            referenced_region=region,
            finding_type=hd.sr.CodedConcept("27925004", "SCT", "Nodule"),
            finding_sites=[hd.sr.FindingSite(anatomic_location=hd.sr.CodedConcept("39607008", "SCT", "Lung"))],
            measurements=measurements,
        ))
    observer = hd.sr.ObserverContext(
        observer_type=codes.DCM.Device,
        observer_identifying_attributes=hd.sr.DeviceObserverIdentifyingAttributes(uid=hd.UID(), name="peer"))
    report = hd.sr.MeasurementReport(
        observation_context=hd.sr.ObservationContext(observer_device_context=observer),
        procedure_reported=hd.sr.CodedConcept("25045-6", "LN", "CT unspecified body region"),
        imaging_measurements=groups)
    return hd.sr.Comprehensive3DSR(
        evidence=sources, content=report, series_instance_uid=hd.UID(), series_number=9901,
        sop_instance_uid=hd.UID(), instance_number=1, manufacturer="peer")


def main():
    findings = json.load(open(sys.argv[1]))
    sources = [pydicom.dcmread(p, stop_before_pixels=True) for p in sorted(glob.glob(sys.argv[2] + "/*.dcm"))]
    by_uid = {s.SOPInstanceUID: s for s in sources}
    repetitions = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        build(findings, sources, by_uid).save_as(sys.argv[3])
        times.append(time.perf_counter() - start)
    print("%.6f" % statistics.median(times))


if __name__ == "__main__":
    main()
