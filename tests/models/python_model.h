#pragma once
// TorchScript files written by Python's torch (the venv's, or the GPU machine's), as a model
// exported elsewhere would be. POSIX calls only: see models/README.md on std::filesystem.
#include <cstdlib>
#include <fstream>
#include <string>

namespace vigil::models::test {

/// Saves a pointwise network (1x1x1 convolution to `channels` outputs, then ReLU) to `path`, seeded
/// so that every call writes the same weights. Returns false when Python fails.
inline bool export_pointwise_net(const std::string& path, int channels = 3) {
  const std::string script = path + ".py";
  std::ofstream(script) << "import sys, torch\n"
                           "class Net(torch.nn.Module):\n"
                           "    def __init__(self, c):\n"
                           "        super().__init__()\n"
                           "        self.conv = torch.nn.Conv3d(1, c, 1)\n"
                           "    def forward(self, x):\n"
                           "        return torch.relu(self.conv(x))\n"
                           "torch.manual_seed(0)\n"
                           "torch.jit.script(Net(int(sys.argv[2]))).save(sys.argv[1])\n";
  const int rc =
      std::system((std::string(VIGIL_PYTHON_EXE) + " " + script + " " + path + " " + std::to_string(channels)).c_str());
  std::remove(script.c_str());
  return rc == 0;
}

}  // namespace vigil::models::test
