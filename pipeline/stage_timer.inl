// Definition of pipeline::timed (header-only: a template).
#include <chrono>
#include <type_traits>

namespace vigil::pipeline {

template <typename Work>
auto timed(std::vector<StageTiming>& timings, const std::string& stage, Work&& work) -> decltype(work()) {
  const auto start = std::chrono::steady_clock::now();
  auto record = [&] {
    timings.push_back({stage, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
  };
  if constexpr (std::is_void_v<decltype(work())>) {
    work();
    record();
  } else {
    auto result = work();
    record();
    return result;
  }
}

}  // namespace vigil::pipeline
