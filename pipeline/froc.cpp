#include "pipeline/froc.h"

#include <algorithm>
#include <limits>
#include <set>

namespace vigil::pipeline {

int hit_lesion(const Mark& mark, const std::vector<TruthLesion>& lesions) {
  int best = -1;
  double best_d = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < lesions.size(); ++i) {
    const double d = norm(sub(mark.center_mm, lesions[i].center_mm));
    if (d <= 0.5 * lesions[i].diameter_mm && d < best_d) best = int(i), best_d = d;
  }
  return best;
}

Froc compute_froc(const std::vector<std::vector<Mark>>& marks, const std::vector<std::vector<TruthLesion>>& lesions) {
  struct Scored {
    double probability;
    std::size_t study;
    int lesion;
  };
  Froc froc;
  froc.studies = marks.size();
  std::vector<Scored> all;
  for (std::size_t s = 0; s < marks.size(); ++s) {
    const std::vector<TruthLesion> none;
    const auto& truth = s < lesions.size() ? lesions[s] : none;
    for (const auto& l : truth) froc.lesions += l.counted;
    for (const Mark& m : marks[s]) {
      const int hit = hit_lesion(m, truth);
      if (hit >= 0 && !truth[std::size_t(hit)].counted) continue;  // on a lesion outside the subset
      all.push_back({m.probability, s, hit});
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const Scored& a, const Scored& b) { return a.probability > b.probability; });
  std::set<std::pair<std::size_t, int>> found;
  std::size_t fp = 0;
  const double studies = std::max<std::size_t>(1, froc.studies), total = std::max<std::size_t>(1, froc.lesions);
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].lesion < 0)
      ++fp;
    else
      found.insert({all[i].study, all[i].lesion});  // a second mark on a found lesion changes nothing
    if (i + 1 == all.size() || all[i + 1].probability != all[i].probability)
      froc.curve.push_back({all[i].probability, double(fp) / studies, double(found.size()) / total});
  }
  for (std::size_t r = 0; r < Froc::kRates.size(); ++r) {
    double best = 0;
    for (const FrocPoint& p : froc.curve)
      if (p.fp_per_study <= Froc::kRates[r]) best = std::max(best, p.sensitivity);
    froc.sensitivity_at[r] = best;
    froc.cpm += best / double(Froc::kRates.size());
  }
  return froc;
}

}  // namespace vigil::pipeline
