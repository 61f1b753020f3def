#pragma once
// Google Benchmark reporter that remembers each benchmark's real time (the median when repeated),
// so a benchmark program can print ratios against a peer measured in the same run.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>

namespace vigil::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      const std::string name = r.benchmark_name();
      const std::string base = name.substr(0, name.find('/'));
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
      if (r.run_type == Run::RT_Aggregate || !times_.count(base)) times_[base] = r.GetAdjustedRealTime();
    }
  }

  /// Prints "label: ours / peer = ratio (target)" when both ran.
  void print_ratio(const std::string& label, const std::string& ours, const std::string& peer,
                   const std::string& target) const {
    if (!times_.count(ours) || !times_.count(peer)) return;
    std::printf("ratio %s: %.3f (%s)\n", label.c_str(), times_.at(ours) / times_.at(peer), target.c_str());
  }

  std::map<std::string, double> times_;
};

}  // namespace vigil::bench
