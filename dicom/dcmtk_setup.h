#pragma once
// DCMTK global state set once per process: decompression codecs and quiet logging.

namespace vigil::dicom {

/// Registers DCMTK's JPEG, JPEG-LS and RLE decoders and silences DCMTK's own logger
/// (Vigil reports errors itself). Safe to call from any thread, any number of times.
void ensure_dcmtk_ready();

/// Registers DCMTK's JPEG, JPEG-LS and RLE encoders (for writers). Thread-safe, idempotent.
void ensure_dcmtk_encoders();

}  // namespace vigil::dicom
