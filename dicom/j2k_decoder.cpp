#include "dicom/j2k_decoder.h"

#include <openjpeg.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "core/error.h"

namespace vigil::dicom {
namespace {

struct MemoryStream {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t offset;
};

OPJ_SIZE_T read_fn(void* buffer, OPJ_SIZE_T bytes, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  if (s->offset >= s->size) return static_cast<OPJ_SIZE_T>(-1);
  const std::size_t n = std::min<std::size_t>(bytes, s->size - s->offset);
  std::memcpy(buffer, s->data + s->offset, n);
  s->offset += n;
  return n;
}

OPJ_OFF_T skip_fn(OPJ_OFF_T bytes, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  const auto target = static_cast<std::int64_t>(s->offset) + bytes;
  s->offset = static_cast<std::size_t>(std::clamp<std::int64_t>(target, 0, static_cast<std::int64_t>(s->size)));
  return bytes;
}

OPJ_BOOL seek_fn(OPJ_OFF_T position, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  if (position < 0 || static_cast<std::size_t>(position) > s->size) return OPJ_FALSE;
  s->offset = static_cast<std::size_t>(position);
  return OPJ_TRUE;
}

void quiet(const char*, void*) {}

}  // namespace

J2kImage decode_j2k(const std::uint8_t* data, std::size_t size, const std::string& context) {
  if (size < 12) throw Error(ErrorCode::kCorruptDicom, context + ": JPEG 2000 stream too short");
  // A JP2 file starts with a signature box; a raw codestream with SOC+SIZ markers (FF4F FF51).
  static const std::uint8_t kJp2Signature[] = {0, 0, 0, 0x0C, 'j', 'P', ' ', ' '};
  const bool jp2 = std::memcmp(data, kJp2Signature, sizeof kJp2Signature) == 0;
  std::unique_ptr<opj_codec_t, decltype(&opj_destroy_codec)> codec(
      opj_create_decompress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K), opj_destroy_codec);
  opj_set_info_handler(codec.get(), quiet, nullptr);
  opj_set_warning_handler(codec.get(), quiet, nullptr);
  opj_set_error_handler(codec.get(), quiet, nullptr);
  opj_dparameters_t params;
  opj_set_default_decoder_parameters(&params);
  if (!opj_setup_decoder(codec.get(), &params))
    throw Error(ErrorCode::kInternal, context + ": OpenJPEG decoder setup failed");

  MemoryStream memory{data, size, 0};
  std::unique_ptr<opj_stream_t, decltype(&opj_stream_destroy)> stream(opj_stream_create(1 << 16, OPJ_TRUE),
                                                                     opj_stream_destroy);
  opj_stream_set_user_data(stream.get(), &memory, nullptr);
  opj_stream_set_user_data_length(stream.get(), size);
  opj_stream_set_read_function(stream.get(), read_fn);
  opj_stream_set_skip_function(stream.get(), skip_fn);
  opj_stream_set_seek_function(stream.get(), seek_fn);

  opj_image_t* raw = nullptr;
  if (!opj_read_header(stream.get(), codec.get(), &raw))
    throw Error(ErrorCode::kCorruptDicom, context + ": invalid JPEG 2000 header");
  std::unique_ptr<opj_image_t, decltype(&opj_image_destroy)> image(raw, opj_image_destroy);
  if (!opj_decode(codec.get(), stream.get(), image.get()) || !opj_end_decompress(codec.get(), stream.get()))
    throw Error(ErrorCode::kCorruptDicom, context + ": JPEG 2000 data could not be decoded");
  if (image->numcomps != 1)
    throw Error(ErrorCode::kUnsupportedImage,
                context + ": JPEG 2000 image has " + std::to_string(image->numcomps) + " components, need 1");
  const opj_image_comp_t& c = image->comps[0];
  J2kImage out;
  out.width = static_cast<int>(c.w);
  out.height = static_cast<int>(c.h);
  out.precision = static_cast<int>(c.prec);
  out.is_signed = c.sgnd != 0;
  out.values.assign(c.data, c.data + static_cast<std::size_t>(c.w) * c.h);
  return out;
}

}  // namespace vigil::dicom
