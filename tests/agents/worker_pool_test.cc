#include "arq/agents/local/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "arq/core/error.h"

namespace arq::local {
namespace {

TEST(WorkerPoolTest, RunsEveryPartOnceAndCanBeReused) {
  WorkerPool pool(3);
  EXPECT_EQ(pool.size(), 3);
  for (int round = 0; round < 50; ++round) {
    std::vector<int> hits(3, 0);
    pool.run([&](int part) { hits[part] += 1; });
    EXPECT_EQ(hits, std::vector<int>({1, 1, 1}));
  }
  WorkerPool single(1);
  int calls = 0;
  single.run([&](int part) { calls += part + 1; });
  EXPECT_EQ(calls, 1);
  EXPECT_THROW(WorkerPool(0), Error);
}

TEST(WorkerPoolTest, SplitCoversTheRangeInOrder) {
  int next = 0;
  for (int part = 0; part < 4; ++part) {
    const auto [begin, end] = WorkerPool::split(10, part, 4);
    EXPECT_EQ(begin, next);
    EXPECT_GE(end - begin, 2);
    EXPECT_LE(end - begin, 3);
    next = end;
  }
  EXPECT_EQ(next, 10);
  EXPECT_EQ(WorkerPool::split(1, 1, 2).first, WorkerPool::split(1, 1, 2).second);  // empty
}

TEST(WorkerPoolTest, RethrowsAWorkersException) {
  WorkerPool pool(2);
  EXPECT_THROW(pool.run([](int part) {
    if (part == 1) throw std::runtime_error("part 1 failed");
  }),
               std::runtime_error);
  std::atomic<int> after{0};
  pool.run([&](int) { after += 1; });  // still usable
  EXPECT_EQ(after.load(), 2);
}

}  // namespace
}  // namespace arq::local
