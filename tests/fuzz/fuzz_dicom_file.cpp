// libFuzzer target: the single-file path (header parse, then decode of every frame) on arbitrary
// bytes. Only vigil::Error may come out; crashes, leaks and other exceptions are bugs.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/error.h"
#include "dicom/header_parser.h"
#include "dicom/pixel_decoder.h"

namespace {

// read_instance_header takes a path, as in production: write each input to one scratch file,
// removed after each input (libFuzzer ends without running exit handlers, so nothing later would).
const std::string& scratch_path() {
  static const std::string path = "/tmp/vigil-fuzz-" + std::to_string(::getpid()) + ".dcm";
  return path;
}

struct RemoveScratchOnReturn {
  ~RemoveScratchOnReturn() { std::remove(scratch_path().c_str()); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const RemoveScratchOnReturn remove_scratch;
  FILE* f = std::fopen(scratch_path().c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    const vigil::dicom::InstanceHeader h = vigil::dicom::read_instance_header(scratch_path());
    if (!h.is_image()) return 0;
    const std::size_t pixels = static_cast<std::size_t>(h.rows) * h.columns;
    if (pixels > (1u << 22)) return 0;  // bounded memory per input
    vigil::dicom::PixelDecoder decoder(h);
    std::vector<float> out(pixels);
    for (std::uint32_t frame = 0; frame < h.number_of_frames && frame < 8 && frame < h.frames.size(); ++frame)
      decoder.decode_frame(frame, h.frames[frame].rescale_slope, h.frames[frame].rescale_intercept, out.data());
  } catch (const vigil::Error&) {
    // Expected for bad input: a clear error, nothing else.
  }
  return 0;
}
