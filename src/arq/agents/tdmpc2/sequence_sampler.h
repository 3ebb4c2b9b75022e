#pragma once
// Sequences of horizon + 1 observations for TD-MPC2, read from the shared replay buffer through
// its public accessors (nothing in the buffer changes for the other agents). A sequence starting
// at transition i uses transitions i .. i+H-1, which must all be kept and none but the last may
// end its episode; o_H is the next observation of transition i+H-1. Starts are drawn uniformly
// from the kept transitions and redrawn until they satisfy this (on DMC, episodes of 500 agent
// steps reject about H/500 of the draws).
#include <random>
#include <vector>

#include "arq/agents/tdmpc2/tdmpc2_learner.h"
#include "arq/replay/replay_buffer.h"

namespace arq::tdmpc2 {

class SequenceSampler {
 public:
  SequenceSampler(int horizon, int batch_size);

  // Whether a sequence can start at transition `index`.
  bool valid_start(const replay::ReplayBuffer& replay, int64_t index) const;
  // Fills `batch` (resized) with batch_size sequences. Throws arq::Error if 1000 draws in a row
  // find no valid start (the buffer holds no episode of horizon steps yet).
  void sample(const replay::ReplayBuffer& replay, std::mt19937_64& rng, SequenceBatch& batch);

 private:
  int horizon_;
  int batch_size_;
  std::vector<int64_t> starts_, step_indices_;
};

}  // namespace arq::tdmpc2
