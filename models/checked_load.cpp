#include "models/checked_load.h"

#include <utility>
#include <vector>

#include "core/error.h"

namespace vigil::models {

void load_parameters_checked(torch::nn::Module& net, const std::string& path, const torch::Device& device,
                             const std::string& who) {
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> expected;
  for (const auto& p : net.named_parameters()) expected.emplace_back(p.key(), p.value().sizes().vec());
  torch::serialize::InputArchive archive;
  archive.load_from(path, device);
  net.load(archive);
  const auto loaded = net.named_parameters();
  for (const auto& [name, shape] : expected) {
    const auto* p = loaded.find(name);
    if (!p || p->sizes().vec() != shape)
      throw Error(ErrorCode::kInvalidArgument, who + ": " + path + " does not fit the network: parameter " + name +
                                                   (p ? " has another shape" : " is missing"));
  }
}

}  // namespace vigil::models
