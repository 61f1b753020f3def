// `vigil` on the GPU machines (VIGIL_ONLY_COMPUTE: no DICOM, no ITK): trains the networks and
// reports the devices. The full build's cli/main.cpp has these commands and every other one.

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/exit_codes.h"
#include "cli/train_command.h"
#include "core/error.h"
#include "core/version.h"
#include "kernels/device.h"
#include "models/torch_runtime.h"

int main(int argc, char** argv) {
  CLI::App app{std::string("Vigil ") + vigil::kVersion + " (compute-only build: train, devices).\n" + vigil::kResearchUseNotice};
  app.require_subcommand(1);
  app.set_config("--config", "", "Config file (INI/TOML): a [train] section with train's option names");
  app.fallthrough();
  vigil::cli::TrainArgs train;
  CLI::App* train_cmd = vigil::cli::add_train_command(app, train);
  CLI::App* devices_cmd = app.add_subcommand("devices", "Show where kernels run");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? vigil::cli::kExitOk : vigil::cli::kExitUsage;
  }
  try {
    if (*train_cmd) {
      if (app["--config"]->count()) train.config_file = app["--config"]->as<std::string>();
      return vigil::cli::run_train(train);
    }
    if (*devices_cmd) {
      std::cout << "CUDA devices: " << vigil::kernels::cuda_device_count() << "\n";
      for (int d = 0; d < vigil::kernels::cuda_device_count(); ++d)
        std::cout << "  " << d << ": " << vigil::kernels::cuda_device_description(d) << "\n";
      const vigil::models::TorchRuntime torch = vigil::models::configure_torch();
      std::cout << "networks (LibTorch " << torch.version << ") run on: "
                << (torch.cuda_available ? "cuda" : "cpu (" + torch.cuda_note + ")") << "\n";
      return vigil::cli::kExitOk;
    }
  } catch (const vigil::Error& e) {
    std::cerr << "vigil: error [" << vigil::error_code_name(e.code()) << "]: " << e.what() << "\n";
    return vigil::cli::kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "vigil: internal error: " << e.what() << "\n";
    return vigil::cli::kExitInternal;
  }
  return vigil::cli::kExitUsage;
}
