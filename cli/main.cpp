// `vigil`: the one entry point. Parses arguments (CLI11) and calls library functions; the only
// place that catches every exception and maps it to an exit status (cli/exit_codes.h).

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/eval_command.h"
#include "cli/exit_codes.h"
#include "cli/inspect_command.h"
#include "cli/run_command.h"
#include "cli/serve_command.h"
#include "cli/synth_command.h"
#ifdef VIGIL_HAVE_TORCH_PLUGIN
#include "cli/torch_plugin.h"
#endif
#include "core/error.h"
#include "core/version.h"
#include "kernels/device.h"

namespace {

using vigil::dicom::GeometryPolicy;

int exit_status_for(const vigil::Error& e) {
  switch (e.code()) {
    case vigil::ErrorCode::kInvalidArgument: return vigil::cli::kExitUsage;
    case vigil::ErrorCode::kNotFound:
    case vigil::ErrorCode::kIo: return vigil::cli::kExitInputMissing;
    case vigil::ErrorCode::kInternal: return vigil::cli::kExitInternal;
    default: return vigil::cli::kExitNothingUsable;
  }
}

void add_geometry_options(CLI::App& cmd, GeometryPolicy& policy) {
  const std::map<std::string, GeometryPolicy::Action> actions{{"correct", GeometryPolicy::Action::kCorrect},
                                                              {"refuse", GeometryPolicy::Action::kRefuse}};
  cmd.add_option("--spacing-tolerance-mm", policy.spacing_tolerance_mm,
                 "Slice gaps within this of the median gap count as even")
      ->capture_default_str();
  cmd.add_option("--on-gantry-tilt", policy.on_gantry_tilt, "correct (shear-resample) or refuse tilted stacks")
      ->transform(CLI::CheckedTransformer(actions, CLI::ignore_case))
      ->default_str("correct");
  cmd.add_option("--on-uneven-spacing", policy.on_uneven_spacing, "correct (resample) or refuse uneven spacing")
      ->transform(CLI::CheckedTransformer(actions, CLI::ignore_case))
      ->default_str("correct");
  cmd.add_option("--on-missing-slices", policy.on_missing_slices,
                 "refuse, or correct (interpolate) stacks with missing slices")
      ->transform(CLI::CheckedTransformer(actions, CLI::ignore_case))
      ->default_str("refuse");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{std::string("Vigil ") + vigil::kVersion + ": CT lesion detection pipeline and PACS node.\n" +
               vigil::kResearchUseNotice + "\nExit status: 0 ok, 1 some inputs failed, 2 usage, 3 input missing, " +
               "4 nothing usable, 5 results not delivered to the PACS, 70 internal error."};
  app.require_subcommand(1);
  // CLI11 reads config files at the top level only: `vigil serve --config FILE` falls through to
  // this option, and the file's [serve] section holds serve's options (docs/node.md).
  app.set_config("--config", "", "Config file (INI/TOML): a [serve] or [train] section with that command's option names");
  app.fallthrough();
  app.set_version_flag("--version", std::string("vigil ") + vigil::kVersion);

  vigil::cli::InspectArgs inspect;
  CLI::App* inspect_cmd = app.add_subcommand("inspect", "List studies and series under PATH with their geometry");
  inspect_cmd->add_option("path", inspect.path, "File, folder (scanned recursively) or DICOMDIR")->required();
  inspect_cmd->add_flag("--json", inspect.json, "Print JSON (stable keys; see docs/inspect-json.md)");
  inspect_cmd->add_flag("--decode", inspect.decode, "Also read each volume and report its value range");
  inspect_cmd->add_option("--threads", inspect.threads, "Threads (0 = all cores)")->capture_default_str();
  add_geometry_options(*inspect_cmd, inspect.policy);

  vigil::cli::RunArgs run;
  CLI::App* run_cmd = app.add_subcommand("run", "Detect lesions in every CT study under PATH; write SR, SEG, key images, summary.json");
  run_cmd->add_option("path", run.path, "File, folder (scanned recursively) or DICOMDIR")->required();
  run_cmd->add_option("--out", run.out, "Output folder: one sub-folder per study (hashed Study UID)")->required();
  run_cmd->add_option("--pacs", run.pacs, "Also C-STORE the results to AET@HOST:PORT");
  run_cmd->add_option("--calling-ae", run.calling_ae, "Our AE title")->capture_default_str();
  run_cmd->add_flag("--tls", run.tls, "Use TLS (BCP 195 profile) to the PACS");
  run_cmd->add_option("--tls-ca", run.tls_ca, "PEM file of certificates the PACS's must chain to")->check(CLI::ExistingFile);
  run_cmd->add_option("--tls-cert", run.tls_certificate, "Our PEM certificate (when the PACS asks for one)")->check(CLI::ExistingFile);
  run_cmd->add_option("--tls-key", run.tls_private_key, "Our PEM private key")->check(CLI::ExistingFile);
  run_cmd->add_option("--attempts", run.attempts, "Associations tried before giving up")->capture_default_str()->check(CLI::Range(1, 20));
  run_cmd->add_option("--timeout", run.timeout_s, "Network timeout, seconds")->capture_default_str()->check(CLI::Range(1, 600));
  run_cmd->add_flag("--json", run.json, "Print every study's summary as a JSON array on stdout");
  run_cmd->add_option("--worklist", run.worklist, "Also add the studies to the worklist kept in this folder (node.db)");
  run_cmd->add_option("--threads", run.threads, "Threads (0 = all cores)")->capture_default_str();
  add_geometry_options(*run_cmd, run.policy);
  vigil::cli::add_models_options(*run_cmd, run.models);

  vigil::cli::ServeArgs serve;
  auto& node = serve.config;
  CLI::App* serve_cmd = app.add_subcommand("serve", "DICOM node: receive studies, run the pipeline, deliver results (docs/node.md)");
  serve_cmd->add_option("--aet", node.aet, "Our AE title")->capture_default_str();
  serve_cmd->add_option("--port", node.port, "DICOM port")->capture_default_str()->check(CLI::Range(1, 65535));
  serve_cmd->add_option("--storage", node.storage, "Folder for instances, results and the node database")->capture_default_str();
  serve_cmd->add_option("--stable-age-s", node.stable_age_s, "A study is complete this long after its last instance")
      ->capture_default_str()->check(CLI::Range(0.0, 86400.0));
  serve_cmd->add_option("--result-dest", serve.result_destinations, "Send results to AET@HOST:PORT (repeatable)");
  serve_cmd->add_option("--forward-dest", serve.forward_destinations, "Forward every received study to AET@HOST:PORT (repeatable)");
  serve_cmd->add_option("--route", serve.routes,
                        "Routing rule (repeatable, first match wins): \"match: modality=CT calling_ae=X body_part=CHEST "
                        "series_description=*LUNG* | pipeline: lung|none | results: AET@HOST:PORT | forward: AET@HOST:PORT\"");
  serve_cmd->add_option("--peer", serve.peers, "A sender's own address AET@HOST:PORT: its results go back there by default");
  serve_cmd->add_option("--pipeline-modality", node.pipeline_modalities, "Modalities that run the pipeline")->capture_default_str();
  serve_cmd->add_option("--allow-calling-ae", node.allowed_calling_aes, "Accept only these calling AE titles (repeatable)");
  serve_cmd->add_flag("--listen-any-host", node.listen_any_host, "Accept associations from other hosts (default: loopback only)");
  serve_cmd->add_option("--allow-host", node.allowed_hosts, "With --listen-any-host: only these peer addresses");
  serve_cmd->add_option("--max-associations", node.max_associations, "Concurrent associations")->capture_default_str();
  serve_cmd->add_option("--min-free-mb", node.min_free_mb,
                        "Refuse new instances (A700, senders retry) while the storage has less free space than this")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  serve_cmd->add_option("--retain-days", node.retain_days,
                        "Remove a study's received instances this many days after it is done (0 = keep them)")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  serve_cmd->add_option("--max-pdu", node.max_pdu, "Largest PDU we accept, bytes")->capture_default_str()->check(CLI::Range(4096, 131072));
  serve_cmd->add_option("--late-instances", serve.late_policy, "ignore, or rerun the study and resend its results")
      ->check(CLI::IsMember({"ignore", "rerun"}))->capture_default_str();
  serve_cmd->add_option("--workers", node.workers, "Studies processed at once")->capture_default_str()->check(CLI::Range(1, 64));
  serve_cmd->add_option("--max-attempts", node.max_attempts, "Processing attempts before a study is dead-lettered")->capture_default_str();
  serve_cmd->add_option("--http-port", node.http_port, "/healthz, /metrics, worklist API and page on 127.0.0.1 (0 = off)")
      ->capture_default_str();
  serve_cmd->add_option("--tls-port", node.tls_port, "Also accept DICOM over TLS on this port (0 = off)")->capture_default_str();
  serve_cmd->add_option("--tls-cert", node.tls_certificate, "Our PEM certificate (TLS port)");
  serve_cmd->add_option("--tls-key", node.tls_private_key, "Our PEM private key (TLS port)");
  serve_cmd->add_option("--tls-ca", node.tls_trusted_ca, "PEM certificates that senders' certificates must chain to");
  serve_cmd->add_flag("--tls-require-client-cert", node.tls_require_client_certificate, "Refuse TLS senders without a trusted certificate");
  serve_cmd->add_flag("--dest-tls", node.destination_tls.enabled, "Use TLS to every destination");
  serve_cmd->add_option("--dest-tls-ca", node.destination_tls.trusted_ca_pem, "PEM certificates destinations must chain to");
  serve_cmd->add_option("--dest-tls-cert", node.destination_tls.certificate_pem, "Our PEM certificate towards destinations");
  serve_cmd->add_option("--dest-tls-key", node.destination_tls.private_key_pem, "Our PEM private key towards destinations");
  serve_cmd->add_option("--http-bind", node.http_bind, "Address the HTTP port binds (use with HTTPS and a token)")
      ->capture_default_str();
  serve_cmd->add_option("--http-tls-cert", node.http_tls_certificate, "PEM certificate: HTTPS on the HTTP port");
  serve_cmd->add_option("--http-tls-key", node.http_tls_private_key, "PEM private key for HTTPS");
  serve_cmd->add_option("--priority-weight-finding", node.priority.finding, "Worklist weight of the most suspicious finding")
      ->capture_default_str();
  serve_cmd->add_option("--priority-weight-count", node.priority.count, "Worklist weight of the finding count")->capture_default_str();
  serve_cmd->add_option("--priority-weight-requested", node.priority.requested, "Worklist weight of the requested priority")
      ->capture_default_str();
  serve_cmd->add_option("--priority-per-hour", node.priority.per_hour, "Worklist points per hour waited")->capture_default_str();
  serve_cmd->add_option("--api-token", node.api_token, "Bearer token of the worklist API (API and page off without one)");
  vigil::cli::add_models_options(*serve_cmd, serve.models);

  vigil::cli::StatusArgs status;
  CLI::App* status_cmd = app.add_subcommand("status", "Show the node's queue");
  status_cmd->add_option("--storage", status.storage, "The node's storage folder")->capture_default_str();
  status_cmd->add_flag("--json", status.json, "JSON output");

  vigil::cli::WorklistArgs worklist;
  CLI::App* worklist_cmd = app.add_subcommand("worklist", "Print the ranked worklist");
  worklist_cmd->add_option("--storage", worklist.storage, "The node's storage folder (or vigil run --worklist's)")->capture_default_str();
  worklist_cmd->add_flag("--json", worklist.json, "JSON output");
  worklist_cmd->add_option("--priority-weight-finding", worklist.weights.finding, "as for serve")->capture_default_str();
  worklist_cmd->add_option("--priority-weight-count", worklist.weights.count, "as for serve")->capture_default_str();
  worklist_cmd->add_option("--priority-weight-requested", worklist.weights.requested, "as for serve")->capture_default_str();
  worklist_cmd->add_option("--priority-per-hour", worklist.weights.per_hour, "as for serve")->capture_default_str();

  vigil::cli::SynthArgs synth;
  CLI::App* synth_cmd = app.add_subcommand("synth", "Generate synthetic chest CT studies with lesion ground truth");
  synth_cmd->add_option("--out", synth.out, "Output folder (one study_NNNN folder per study)")->required();
  synth_cmd->add_option("--studies", synth.studies, "Number of studies")->capture_default_str()->check(CLI::Range(1, 100000));
  synth_cmd->add_option("--seed", synth.seed, "Seed: the same seed and config give the same studies")->capture_default_str();
  synth_cmd->add_option("--first-index", synth.first_index, "Index of the first study")->capture_default_str();
  synth_cmd->add_option("--config", synth.config_file, "JSON config (docs/synthetic-data.md)")->check(CLI::ExistingFile);
  synth_cmd->add_option("--variant", synth.variant,
                        "Acquisition variant: none, gantry_tilt, uneven_spacing, missing_slice, reversed_order, coronal, sagittal");
  synth_cmd->add_option("--transfer-syntax", synth.transfer_syntax, "explicit, jpeg-lossless, jpeg-ls or rle")
      ->capture_default_str();
  synth_cmd->add_option("--matrix", synth.matrix, "Rows = columns (overrides the config)");
  synth_cmd->add_option("--slices", synth.slices, "Slice count range MIN:MAX (overrides the config)");
  synth_cmd->add_option("--threads", synth.threads, "Threads (0 = all cores)")->capture_default_str();
  synth_cmd->add_option("--insert-into", synth.insert_into,
                        "Insert lesions into the CT series found in this folder instead of generating a phantom")
      ->check(CLI::ExistingDirectory);

#ifdef VIGIL_HAVE_TORCH_PLUGIN
  vigil::cli::TrainArgs train;
  CLI::App* train_cmd = vigil::cli::add_train_command(app, train);
#endif

  vigil::cli::EvalArgs eval;
  CLI::App* eval_cmd = app.add_subcommand("eval", "Score detection on studies with ground truth (FROC, CPM, Dice); writes eval.json, froc.png");
  eval_cmd->add_option("--data", eval.data, "Folder of study folders with dicom/, truth.json, labels.nrrd (vigil synth's layout)")
      ->required()->check(CLI::ExistingDirectory);
  eval_cmd->add_option("--out", eval.out, "Output folder")->required();
  eval_cmd->add_option("--threads", eval.threads, "Threads (0 = all cores)")->capture_default_str();
  vigil::cli::add_models_options(*eval_cmd, eval.models);

  CLI::App* devices_cmd = app.add_subcommand("devices", "Show where kernels run (CUDA device or CPU fallback)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? vigil::cli::kExitOk : vigil::cli::kExitUsage;
  }

  try {
    if (*inspect_cmd) return vigil::cli::run_inspect(inspect);
    if (*synth_cmd) return vigil::cli::run_synth(synth);
#ifdef VIGIL_HAVE_TORCH_PLUGIN
    if (*train_cmd) {
      if (app["--config"]->count()) train.config_file = app["--config"]->as<std::string>();
      return vigil::cli::torch_plugin().run_train(train);
    }
#endif
    if (*run_cmd) return vigil::cli::run_batch(run);
    if (*eval_cmd) return vigil::cli::run_eval(eval);
    if (*serve_cmd) return vigil::cli::run_serve(serve);
    if (*status_cmd) return vigil::cli::run_status(status);
    if (*worklist_cmd) return vigil::cli::run_worklist(worklist);
    if (*devices_cmd) {
      namespace k = vigil::kernels;
      std::cout << "CUDA kernels built: " << (k::built_with_cuda() ? "yes" : "no") << "\n"
                << "CUDA devices: " << k::cuda_device_count() << "\n";
      for (int d = 0; d < k::cuda_device_count(); ++d) std::cout << "  " << d << ": " << k::cuda_device_description(d) << "\n";
      std::cout << "kernels run on: " << k::backend_name(k::default_backend()) << "\n";
#ifdef VIGIL_HAVE_TORCH_PLUGIN
      try {
        const vigil::models::TorchRuntime torch = vigil::cli::torch_plugin().configure_torch(0, true);
        std::cout << "networks (LibTorch " << torch.version << ") run on: "
                  << (torch.cuda_available ? "cuda" : "cpu (" + torch.cuda_note + ")") << "\n";
      } catch (const vigil::Error& e) {
        std::cout << "networks: unavailable (" << e.what() << ")\n";
        return vigil::cli::kExitInternal;
      }
#endif
      return vigil::cli::kExitOk;
    }
  } catch (const vigil::Error& e) {
    std::cerr << "vigil: error [" << vigil::error_code_name(e.code()) << "]: " << e.what() << "\n";
    return exit_status_for(e);
  } catch (const std::exception& e) {
    std::cerr << "vigil: internal error: " << e.what() << "\n";
    return vigil::cli::kExitInternal;
  }
  return vigil::cli::kExitUsage;
}
