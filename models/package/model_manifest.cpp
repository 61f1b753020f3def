#include "models/package/model_manifest.h"

#include <openssl/evp.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace vigil::models {
namespace {

using nlohmann::json;

[[noreturn]] void bad_field(const std::string& file, const std::string& field, const std::string& why) {
  throw Error(ErrorCode::kInvalidArgument, file + ": field '" + field + "' " + why);
}

std::string required_string(const json& j, const std::string& file, const char* field) {
  if (!j.contains(field)) bad_field(file, field, "is missing");
  if (!j[field].is_string() || j[field].get<std::string>().empty()) bad_field(file, field, "must be a non-empty string");
  return j[field].get<std::string>();
}

template <typename T, std::size_t N>
std::array<T, N> required_numbers(const json& j, const std::string& file, const char* field) {
  if (!j.contains(field)) bad_field(file, field, "is missing");
  const json& v = j[field];
  if (!v.is_array() || v.size() != N) bad_field(file, field, "must be an array of " + std::to_string(N) + " numbers");
  std::array<T, N> out{};
  for (std::size_t i = 0; i < N; ++i) {
    if (!v[i].is_number()) bad_field(file, field, "must hold numbers only");
    out[i] = v[i].get<T>();
  }
  return out;
}

bool is_lower_hex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

ModelManifest read_manifest(const std::string& folder) {
  const std::string file = folder + "/manifest.json";
  std::ifstream in(file);
  if (!in) throw Error(ErrorCode::kNotFound, file + ": no model manifest here");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, file + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw Error(ErrorCode::kInvalidArgument, file + ": must hold a JSON object");
  ModelManifest m;
  m.folder = folder;
  m.name = required_string(j, file, "name");
  m.version = required_string(j, file, "version");
  m.kind = required_string(j, file, "kind");
  if (m.kind != "segmenter" && m.kind != "classifier") bad_field(file, "kind", "must be \"segmenter\" or \"classifier\"");
  m.format = required_string(j, file, "format");
  if (m.format != "torchscript" && m.format != "vigil-unet3d" && m.format != "vigil-classifier3d")
    bad_field(file, "format", "must be \"torchscript\", \"vigil-unet3d\" or \"vigil-classifier3d\"");
  if (m.format != "torchscript") {
    if (!j.contains("architecture") || !j["architecture"].is_object())
      bad_field(file, "architecture", "is required for format " + m.format + " (base_channels, levels)");
    const json& a = j["architecture"];
    for (const char* key : {"base_channels", "levels"})
      if (!a.contains(key) || !a[key].is_number_integer() || a[key].get<int>() < 1)
        bad_field(file, std::string("architecture.") + key, "must be a positive integer");
    m.architecture.base_channels = a["base_channels"].get<int>();
    m.architecture.levels = a["levels"].get<int>();
  }
  m.weights = required_string(j, file, "weights");
  if (m.weights.find('/') != std::string::npos) bad_field(file, "weights", "must name a file inside the model folder");
  m.sha256 = required_string(j, file, "sha256");
  if (m.sha256.size() != 64 || !is_lower_hex(m.sha256)) bad_field(file, "sha256", "must be 64 lowercase hex digits");
  m.input_spacing_mm = required_numbers<double, 3>(j, file, "input_spacing_mm");
  for (double s : m.input_spacing_mm)
    if (!(s > 0)) bad_field(file, "input_spacing_mm", "must be positive");
  m.intensity_window_hu = required_numbers<float, 2>(j, file, "intensity_window_hu");
  if (!(m.intensity_window_hu[0] < m.intensity_window_hu[1])) bad_field(file, "intensity_window_hu", "must be [low, high] with low < high");
  m.patch_size_zyx = required_numbers<int, 3>(j, file, "patch_size_zyx");
  for (int s : m.patch_size_zyx)
    if (s < 1) bad_field(file, "patch_size_zyx", "must be positive");
  if (!j.contains("outputs") || !j["outputs"].is_array() || j["outputs"].empty())
    bad_field(file, "outputs", "must be a non-empty array of channel names");
  for (const auto& o : j["outputs"]) {
    if (!o.is_string()) bad_field(file, "outputs", "must hold strings only");
    m.outputs.push_back(o.get<std::string>());
  }
  if (j.contains("operating_threshold")) {
    if (!j["operating_threshold"].is_number() || !(j["operating_threshold"].get<double>() > 0) ||
        !(j["operating_threshold"].get<double>() < 1))
      bad_field(file, "operating_threshold", "must be a number between 0 and 1");
    m.operating_threshold = j["operating_threshold"].get<double>();
  }
  if (j.contains("test_time_augmentation")) {
    if (!j["test_time_augmentation"].is_string() ||
        (j["test_time_augmentation"] != "none" && j["test_time_augmentation"] != "in-plane-flips"))
      bad_field(file, "test_time_augmentation", "must be \"none\" or \"in-plane-flips\"");
    m.test_time_augmentation = j["test_time_augmentation"].get<std::string>();
  }
  m.training_data = required_string(j, file, "training_data");
  m.intended_use = required_string(j, file, "intended_use");
  return m;
}

void write_manifest(const ModelManifest& m, const std::string& folder) {
  json j = {{"name", m.name},
            {"version", m.version},
            {"kind", m.kind},
            {"format", m.format},
            {"weights", m.weights},
            {"sha256", m.sha256},
            {"input_spacing_mm", m.input_spacing_mm},
            {"intensity_window_hu", m.intensity_window_hu},
            {"patch_size_zyx", m.patch_size_zyx},
            {"outputs", m.outputs},
            {"training_data", m.training_data},
            {"intended_use", m.intended_use}};
  j["operating_threshold"] = m.operating_threshold;
  j["test_time_augmentation"] = m.test_time_augmentation;
  if (m.format != "torchscript")
    j["architecture"] = {{"base_channels", m.architecture.base_channels}, {"levels", m.architecture.levels}};
  const std::string file = folder + "/manifest.json";
  std::ofstream out(file);
  out << j.dump(2) << "\n";
  if (!out.flush()) throw Error(ErrorCode::kIo, file + ": cannot write");
}

std::string sha256_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kIo, path + ": cannot read");
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    throw Error(ErrorCode::kInternal, "SHA-256: OpenSSL digest unavailable");
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0)
    EVP_DigestUpdate(ctx.get(), buffer, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw Error(ErrorCode::kIo, path + ": read failed");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::string verified_weights_path(const ModelManifest& m) {
  const std::string path = m.folder + "/" + m.weights;
  const std::string actual = sha256_of_file(path);
  if (actual != m.sha256)
    throw Error(ErrorCode::kInvalidArgument, "model " + m.name + " " + m.version + ": weights " + path +
                                                 " have SHA-256 " + actual + " but the manifest pins " + m.sha256 +
                                                 "; refusing to load them");
  return path;
}

void check_lesion_model_pair(const std::string& folder, const ModelManifest& classifier, const ModelManifest& segmenter) {
  if (classifier.kind != "classifier" || segmenter.kind != "segmenter")
    throw Error(ErrorCode::kInvalidArgument, folder + ": classifier/ and segmenter/ must hold a classifier and a segmenter");
  if (segmenter.outputs.size() != 2)
    throw Error(ErrorCode::kInvalidArgument, folder + "/segmenter: must have two outputs (background, lesion)");
}

}  // namespace vigil::models
