#pragma once
// Which task `arq report` compares a run on. Runs whose environment ids differ only by a wrapper
// that changes the action interface but not the task share a table column, a curve file and the
// published numbers: ":bangbang" lets ARQ and AD act on the corners of the action box SAC acts in
// continuously, with the same dynamics, reward and episode. Everything that changes the MDP stays
// in the key: ":repeat<N>" with N > 1 (one decision spans N control steps, so a step budget buys
// N times the control steps, and the papers' protocol is action repeat 1) and MinAtar's -v0/-v1
// (different action sets).
#include <cstdint>
#include <string>

namespace arq::report {

// "dmc/cheetah-run:bangbang" -> "dmc/cheetah-run"; "dmc/cheetah-run:repeat2:bangbang" ->
// "dmc/cheetah-run:repeat2" (repeats multiply, a total of 1 is no repeat). Unknown suffixes and
// non-DMC ids ("minatar/breakout-v0") are kept as they are.
std::string task_key(const std::string& env_id);

// Environment (control) steps per agent step: the product of the id's ":repeat<N>" suffixes, 1
// for ids without one and for non-DMC ids. A run logs agent steps; reports multiply by this so
// that every curve and every `--at-step` is in environment steps.
int64_t environment_steps_per_agent_step(const std::string& env_id);

// How a run with this id acts on its task: "bang-bang" or "continuous" for DMC ids, empty for
// others (a MinAtar id fixes its action set, which is part of the task).
std::string action_interface(const std::string& env_id);

// The paper's task name ("Cheetah Run", "Breakout") when `key` is that task under the papers'
// protocol (MinAtar -v1; DMC without action repeat), else empty.
std::string published_task(const std::string& key);

// Column and plot title: "Cheetah Run", "Cheetah Run (repeat 2)", "Breakout (v0)"; the key
// itself for tasks the papers do not report.
std::string task_label(const std::string& key);

}  // namespace arq::report
