#pragma once
// Runs a loop body over [0, n) on a fixed number of threads; the first exception is rethrown.

#include <cstddef>
#include <functional>

namespace vigil {

/// Number of hardware threads (at least 1).
unsigned hardware_threads();

/// Calls body(i) for each i in [0, n), on up to `threads` threads (0 = all cores), handing out
/// indices dynamically so uneven items balance. Waits for all; rethrows the first exception.
void parallel_for(std::size_t n, const std::function<void(std::size_t)>& body, unsigned threads = 0);

}  // namespace vigil
