#include "dicom/pixel_decoder.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <cstring>
#include <new>
#include <type_traits>
#include <vector>

#include "core/error.h"
#include "dicom/dcmtk_setup.h"
#include "dicom/j2k_decoder.h"

namespace vigil::dicom {
namespace {

// Stored value of a raw sample per Bits Stored, High Bit and Pixel Representation (PS3.5 8.1.1).
struct SampleLayout {
  int bits_stored;
  int shift;  ///< high_bit + 1 - bits_stored: bits below the stored value
  bool is_signed;
};

template <typename Raw>
inline std::int64_t stored_value(Raw raw, const SampleLayout& l) {
  using Unsigned = std::make_unsigned_t<Raw>;
  const std::uint64_t bits = static_cast<Unsigned>(raw) >> l.shift;
  const std::uint64_t mask = l.bits_stored >= 64 ? ~0ull : ((1ull << l.bits_stored) - 1);
  std::int64_t v = static_cast<std::int64_t>(bits & mask);
  if (l.is_signed && (v >> (l.bits_stored - 1)) & 1) v -= static_cast<std::int64_t>(1ull << l.bits_stored);
  return v;
}

template <typename Raw>
void convert(const Raw* src, std::size_t n, const SampleLayout& l, double slope, double intercept, float* out) {
  const float s = static_cast<float>(slope);
  const float b = static_cast<float>(intercept);
  constexpr int kRawBits = static_cast<int>(sizeof(Raw) * 8);
  if (l.shift == 0 && l.bits_stored == kRawBits) {
    // The common case (16 of 16 bits): a straight, vectorisable loop.
    if (l.is_signed) {
      using Signed = std::make_signed_t<Raw>;
      for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(static_cast<Signed>(src[i])) * s + b;
    } else {
      for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(src[i]) * s + b;
    }
    return;
  }
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(stored_value(src[i], l)) * s + b;
}

SampleLayout layout_of(const InstanceHeader& h, int raw_bits) {
  int bits_stored = h.bits_stored ? h.bits_stored : raw_bits;
  bits_stored = std::min(bits_stored, raw_bits);
  int shift = static_cast<int>(h.high_bit) + 1 - bits_stored;
  if (shift < 0 || shift + bits_stored > raw_bits) shift = 0;  // inconsistent High Bit: trust Bits Stored
  return {bits_stored, shift, h.pixel_representation == 1};
}

}  // namespace

bool is_j2k_transfer_syntax(const std::string& uid) {
  return uid == "1.2.840.10008.1.2.4.90" || uid == "1.2.840.10008.1.2.4.91" ||  // JPEG 2000 (lossless, any)
         uid == "1.2.840.10008.1.2.4.201" || uid == "1.2.840.10008.1.2.4.202" ||  // HTJ2K
         uid == "1.2.840.10008.1.2.4.203";
}

PixelDecoder::PixelDecoder(const InstanceHeader& header) : header_(header) {
  ensure_dcmtk_ready();
  const std::string& path = header_.path;
  if (!header_.is_image()) {
    if (header_.has_float_pixel_data)
      throw Error(ErrorCode::kUnsupportedImage, path + ": float pixel data is not supported for CT/MR volumes");
    throw Error(ErrorCode::kUnsupportedImage, path + ": instance has no pixel data");
  }
  if (header_.samples_per_pixel != 1 || (header_.photometric_interpretation != "MONOCHROME2" &&
                                         header_.photometric_interpretation != "MONOCHROME1")) {
    throw Error(ErrorCode::kUnsupportedImage, path + ": " + header_.photometric_interpretation + " image with " +
                                                  std::to_string(header_.samples_per_pixel) +
                                                  " samples per pixel; only greyscale images form a volume");
  }
  if (header_.bits_allocated != 8 && header_.bits_allocated != 16 && header_.bits_allocated != 32)
    throw Error(ErrorCode::kUnsupportedImage,
                path + ": Bits Allocated " + std::to_string(header_.bits_allocated) + " is not supported");

  try {
    load();
  } catch (const std::bad_alloc&) {
    throw Error(ErrorCode::kCorruptDicom, path + ": pixel data larger than the memory available");
  }
}

void PixelDecoder::load() {
  const std::string& path = header_.path;
  file_ = std::make_unique<DcmFileFormat>();
  const OFCondition status = file_->loadFile(path.c_str());
  if (status.bad()) throw Error(ErrorCode::kCorruptDicom, path + ": cannot read DICOM: " + status.text());
  DcmDataset* dataset = file_->getDataset();
  const DcmXfer xfer(dataset->getOriginalXfer());
  if (!xfer.isEncapsulated()) return;
  if (is_j2k_transfer_syntax(xfer.getXferID())) {
    j2k_ = true;
    return;
  }
  const OFCondition decoded = dataset->chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
  if (decoded.bad() || !dataset->canWriteXfer(EXS_LittleEndianExplicit)) {
    throw Error(ErrorCode::kUnsupportedTransferSyntax,
                path + ": cannot decode pixel data in transfer syntax " + xfer.getXferID() + " (" +
                    xfer.getXferName() + ")" + (decoded.bad() ? std::string(": ") + decoded.text() : ""));
  }
}

PixelDecoder::~PixelDecoder() = default;

void PixelDecoder::decode_frame(std::uint32_t frame, double slope, double intercept, float* out) {
  const std::string& path = header_.path;
  if (frame >= header_.number_of_frames)
    throw Error(ErrorCode::kInvalidArgument, path + ": frame " + std::to_string(frame) + " does not exist");
  try {
    if (j2k_) return decode_j2k_frame(frame, slope, intercept, out);
    decode_native_frame(frame, slope, intercept, out);
  } catch (const std::bad_alloc&) {
    throw Error(ErrorCode::kCorruptDicom, path + ": frame " + std::to_string(frame) +
                                              " needs more memory than is available to decode");
  }
}

void PixelDecoder::decode_native_frame(std::uint32_t frame, double slope, double intercept, float* out) {
  const std::string& path = header_.path;

  DcmElement* element = nullptr;
  if (file_->getDataset()->findAndGetElement(DCM_PixelData, element).bad() || !element)
    throw Error(ErrorCode::kCorruptDicom, path + ": Pixel Data element missing");
  const std::size_t pixels = static_cast<std::size_t>(header_.rows) * header_.columns;
  const std::size_t bytes_per_sample = header_.bits_allocated / 8;
  const std::size_t frame_bytes = pixels * bytes_per_sample;
  const std::size_t needed = (static_cast<std::size_t>(frame) + 1) * frame_bytes;
  if (element->getLength() < needed) {
    throw Error(ErrorCode::kCorruptDicom, path + ": pixel data truncated: " + std::to_string(element->getLength()) +
                                              " bytes, frame " + std::to_string(frame) + " needs " +
                                              std::to_string(needed));
  }
  const SampleLayout layout = layout_of(header_, header_.bits_allocated);
  if (header_.bits_allocated == 16) {
    Uint16* data = nullptr;
    if (element->getUint16Array(data).bad() || !data)
      throw Error(ErrorCode::kCorruptDicom, path + ": cannot access 16-bit pixel data");
    convert(data + frame * pixels, pixels, layout, slope, intercept, out);
  } else {
    Uint8* data = nullptr;
    if (element->getUint8Array(data).bad() || !data)
      throw Error(ErrorCode::kCorruptDicom, path + ": cannot access pixel data");
    const Uint8* start = data + frame * frame_bytes;
    if (header_.bits_allocated == 8) {
      convert(start, pixels, layout, slope, intercept, out);
    } else {
      std::vector<std::uint32_t> words(pixels);
      std::memcpy(words.data(), start, frame_bytes);  // little-endian transfer syntaxes only
      convert(words.data(), pixels, layout, slope, intercept, out);
    }
  }
}

void PixelDecoder::decode_j2k_frame(std::uint32_t frame, double slope, double intercept, float* out) {
  const std::string& path = header_.path;
  DcmDataset* dataset = file_->getDataset();
  DcmElement* element = nullptr;
  dataset->findAndGetElement(DCM_PixelData, element);
  auto* pixel_data = dynamic_cast<DcmPixelData*>(element);
  DcmPixelSequence* sequence = nullptr;
  if (!pixel_data ||
      pixel_data->getEncapsulatedRepresentation(dataset->getOriginalXfer(), nullptr, sequence).bad() ||
      !sequence || sequence->card() < 2)
    throw Error(ErrorCode::kCorruptDicom, path + ": encapsulated pixel data has no fragments");
  // Item 0 is the Basic Offset Table (PS3.5 A.4); frames are whole fragments or, single-frame, all of them.
  const unsigned long fragments = sequence->card() - 1;
  unsigned long first = 1, last = fragments;
  if (header_.number_of_frames > 1) {
    if (fragments != header_.number_of_frames)
      throw Error(ErrorCode::kUnsupportedImage, path + ": multi-frame JPEG 2000 with " + std::to_string(fragments) +
                                                    " fragments for " + std::to_string(header_.number_of_frames) +
                                                    " frames is not supported");
    first = last = frame + 1;
  }
  std::vector<std::uint8_t> stream;
  for (unsigned long f = first; f <= last; ++f) {
    DcmPixelItem* item = nullptr;
    Uint8* bytes = nullptr;
    if (sequence->getItem(item, f).bad() || !item || item->getUint8Array(bytes).bad())
      throw Error(ErrorCode::kCorruptDicom, path + ": unreadable JPEG 2000 fragment " + std::to_string(f));
    if (bytes) stream.insert(stream.end(), bytes, bytes + item->getLength());
  }
  const J2kImage image = decode_j2k(stream.data(), stream.size(), path);
  if (image.width != header_.columns || image.height != header_.rows)
    throw Error(ErrorCode::kCorruptDicom, path + ": JPEG 2000 image is " + std::to_string(image.width) + "x" +
                                              std::to_string(image.height) + ", header says " +
                                              std::to_string(header_.columns) + "x" + std::to_string(header_.rows));
  // Encoders disagree with headers on the sign in both directions. A signed codestream holds true
  // negative values (an unsigned header cannot be right); an unsigned codestream under a signed
  // header holds two's complement bit patterns. So: signed if either says so.
  const SampleLayout layout = layout_of(header_, 32);
  convert(reinterpret_cast<const std::uint32_t*>(image.values.data()), image.values.size(),
          SampleLayout{layout.bits_stored, 0, layout.is_signed || image.is_signed}, slope, intercept, out);
}

}  // namespace vigil::dicom
