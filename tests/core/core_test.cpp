#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "core/error.h"
#include "core/fifo_mutex.h"
#include "core/geometry.h"
#include "core/parallel.h"
#include "core/uid_hash.h"

namespace vigil {
namespace {

TEST(Geometry, IndexToPhysicalAndBackRoundTripsForObliqueGrids) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> angle(-3.1, 3.1), coord(-200, 200), spacing(0.3, 5.0);
  for (int trial = 0; trial < 50; ++trial) {
    const double a = angle(rng), b = angle(rng);
    // A rotation about z then x keeps the axes orthonormal.
    const Vec3 x{std::cos(a), std::sin(a) * std::cos(b), std::sin(a) * std::sin(b)};
    const Vec3 y{-std::sin(a), std::cos(a) * std::cos(b), std::cos(a) * std::sin(b)};
    const Vec3 z = cross(x, y);
    Geometry g;
    g.size = {10, 20, 30};
    g.spacing_mm = {spacing(rng), spacing(rng), spacing(rng)};
    g.origin_mm = {coord(rng), coord(rng), coord(rng)};
    g.direction = {x[0], y[0], z[0], x[1], y[1], z[1], x[2], y[2], z[2]};
    const Vec3 index{coord(rng) / 10, coord(rng) / 10, coord(rng) / 10};
    const Vec3 back = g.physical_to_index(g.index_to_physical(index));
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(back[c], index[c], 1e-9);
  }
}

TEST(Geometry, AxisReadsColumnsOfTheDirectionMatrix) {
  Geometry g;
  g.direction = {0, 0, 1, 1, 0, 0, 0, -1, 0};
  EXPECT_EQ(g.axis(0), (Vec3{0, 1, 0}));
  EXPECT_EQ(g.axis(1), (Vec3{0, 0, -1}));
  EXPECT_EQ(g.axis(2), (Vec3{1, 0, 0}));
}

TEST(Geometry, NearestVoxelRoundsToTheClosestCentreAndIsEmptyOutside) {
  Geometry g;
  g.size = {4, 5, 6};
  g.spacing_mm = {0.5, 2.0, 3.0};
  g.origin_mm = {10, -20, 30};
  g.direction = {0, 0, 1, 1, 0, 0, 0, -1, 0};  // oblique to LPS: i along y, j along -z, k along x
  for (std::size_t v = 0; v < g.voxel_count(); ++v) {
    const Vec3 centre = g.voxel_to_physical(v);
    ASSERT_EQ(g.nearest_voxel(centre), v);
    // A point 0.4 voxel off along every axis still belongs to the same voxel.
    Vec3 off = centre;
    for (int a = 0; a < 3; ++a) off = add(off, scale(g.axis(a), 0.4 * g.spacing_mm[a]));
    EXPECT_EQ(g.nearest_voxel(off), v);
  }
  EXPECT_EQ(g.voxel_to_physical(1 + 4 * (2 + 5 * 3)), g.index_to_physical({1, 2, 3}));
  EXPECT_FALSE(g.nearest_voxel(g.index_to_physical({-0.6, 0, 0})).has_value());
  EXPECT_FALSE(g.nearest_voxel(g.index_to_physical({0, 4.6, 0})).has_value());
  EXPECT_FALSE(g.nearest_voxel(g.index_to_physical({0, 0, 5.51})).has_value());
  EXPECT_EQ(g.nearest_voxel(g.index_to_physical({3.4, 4.4, 5.4})), g.voxel_count() - 1);
}

TEST(UidHash, IsStableTwelveHexDigitsAndHidesTheUid) {
  // FNV-1a 64 of the empty string is cbf29ce484222325 (the published offset basis).
  EXPECT_EQ(hash_uid(""), "cbf29ce48422");
  const std::string uid = "1.2.840.113619.2.55.3.604688119.868.1249305392.532";
  EXPECT_EQ(hash_uid(uid), hash_uid(uid));
  EXPECT_EQ(hash_uid(uid).size(), 12u);
  EXPECT_NE(hash_uid(uid), hash_uid(uid + "1"));
  EXPECT_EQ(hash_uid(uid).find("1.2.840"), std::string::npos);
}

TEST(ParallelFor, VisitsEveryIndexExactlyOnce) {
  for (unsigned threads : {1u, 2u, 7u}) {
    std::vector<std::atomic<int>> hits(1000);
    parallel_for(hits.size(), [&](std::size_t i) { hits[i]++; }, threads);
    for (const auto& h : hits) EXPECT_EQ(h.load(), 1);
  }
}

TEST(ParallelFor, RethrowsTheFirstErrorAfterJoining) {
  EXPECT_THROW(parallel_for(
                   100, [](std::size_t i) { if (i == 42) throw Error(ErrorCode::kIo, "boom"); }, 2),
               Error);
  EXPECT_NO_THROW(parallel_for(0, [](std::size_t) { throw std::logic_error("never called"); }));
}

TEST(Error, CarriesCodeAndStableName) {
  const Error e(ErrorCode::kUnsupportedTransferSyntax, "x.dcm: JPEG XL");
  EXPECT_EQ(e.code(), ErrorCode::kUnsupportedTransferSyntax);
  EXPECT_STREQ(error_code_name(e.code()), "unsupported_transfer_syntax");
  EXPECT_STREQ(e.what(), "x.dcm: JPEG XL");
}

// A holder that unlocks and locks again at once goes behind a thread already waiting (std::mutex
// would let it barge back in): batch-by-batch users of the shared networks take turns.
TEST(FifoMutex, AThreadThatRelocksGoesBehindTheOneAlreadyWaiting) {
  FifoMutex m;
  std::vector<char> order;
  std::mutex order_mutex;
  const auto record = [&](char who) {
    std::lock_guard<std::mutex> g(order_mutex);
    order.push_back(who);
  };
  m.lock();
  std::thread waiter([&] {
    std::lock_guard<FifoMutex> g(m);
    record('B');
  });
  while (m.queued() < 2) std::this_thread::yield();  // B holds a ticket now
  m.unlock();
  m.lock();  // at once: behind B
  record('A');
  m.unlock();
  waiter.join();
  EXPECT_EQ(order, (std::vector<char>{'B', 'A'}));
  EXPECT_TRUE(m.try_lock());
  EXPECT_FALSE(m.try_lock());
  m.unlock();
  EXPECT_EQ(m.queued(), 0u);
}

TEST(FifoMutex, ManyThreadsCountingUnderItLoseNoIncrement) {
  FifoMutex m;
  long counter = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        std::lock_guard<FifoMutex> g(m);
        ++counter;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter, 12000);
}

}  // namespace
}  // namespace vigil
