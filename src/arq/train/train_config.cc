#include "arq/train/train_config.h"

#include <vector>

namespace arq {

Config make_train_config() {
  using R = Config::Range;
  Config c;
  // What to run.
  c.declare("run.agent", std::string("arq"), "agent: arq | ad | dqn | sac | tdmpc2");
  c.declare("run.env", std::string("minatar/breakout-v1"), "environment id");
  c.declare("run.seed", int64_t{1}, "master seed; every random stream derives from it",
            R::between(0, 4294967295.0));
  c.declare("run.total_steps", int64_t{1'000'000}, "environment steps to train for",
            R::at_least(1));
  c.declare("run.learning_starts", int64_t{50'000}, "steps of pure exploration before updates",
            R::at_least(0));
  c.declare("run.train_frequency", int64_t{4}, "one update every this many env steps",
            R::at_least(1));
  c.declare("run.target_update_frequency", int64_t{1000}, "hard target copy every N env steps",
            R::at_least(1));
  c.declare("run.log_frequency", int64_t{1000}, "a metrics.csv row every N env steps",
            R::at_least(1));
  c.declare("run.checkpoint_frequency", int64_t{100'000},
            "checkpoint every N env steps (0: end only)", R::at_least(0));
  c.declare("run.eval_frequency", int64_t{100'000}, "evaluate every N env steps (0: end only)",
            R::at_least(0));
  c.declare("run.eval_episodes", int64_t{10}, "episodes per evaluation", R::at_least(1));
  c.declare("run.eval_epsilon", 0.05, "epsilon of the evaluation policy (papers: 0.05)",
            R::between(0, 1));
  c.declare("run.max_td_loss", 0.0,
            "stop as diverged when a TD loss (td_loss*, critic_loss) exceeds this (0: off)",
            R::at_least(0));
  c.declare("run.eval_max_steps", int64_t{27'000}, "step cap per evaluation episode (truncates)",
            R::at_least(1));
  // Environment options.
  c.declare("env.sticky_action_prob", 0.1, "MinAtar sticky-action probability", R::between(0, 1));
  c.declare("env.difficulty_ramping", true, "MinAtar difficulty ramping");
  // Exploration: epsilon decays linearly after learning_starts.
  c.declare("explore.start_epsilon", 1.0, "epsilon at learning_starts", R::between(0, 1));
  c.declare("explore.end_epsilon", 0.01, "final epsilon", R::between(0, 1));
  c.declare("explore.decay_fraction", 0.1, "decay length as a fraction of total_steps",
            R::between(0, 1));
  c.declare("explore.decay_steps", int64_t{0},
            "decay length in steps (overrides the fraction if > 0)", R::at_least(0));
  // Replay.
  c.declare("replay.capacity", int64_t{1'000'000}, "transitions kept", R::at_least(1));
  c.declare("replay.batch_size", int64_t{512}, "transitions per update", R::at_least(1));
  // Learning rule common to the Q-learners.
  c.declare("agent.gamma", 0.99, "discount", R::between(0, 1));
  c.declare("agent.double_q", true, "double-DQN target (argmax by online, value by target)");
  c.declare("agent.loss", std::string("mse"), "mse (no 1/2) | huber (delta 1)");
  c.declare("optim.kind", std::string("adam"), "adam | rmsprop (centred, PyTorch semantics)");
  c.declare("optim.lr", 1e-4, "learning rate (constant)", R::above(0));
  c.declare("optim.max_grad_norm", 1.0, "clip gradients to this global norm (0: off)",
            R::at_least(0));
  c.declare("optim.adam_b1", 0.9, "Adam beta1", {0, 1, false, true});
  c.declare("optim.adam_b2", 0.99, "Adam beta2", {0, 1, false, true});
  c.declare("optim.adam_eps", 1e-8, "Adam epsilon", R::at_least(0));
  c.declare("optim.rmsprop_alpha", 0.95, "RMSprop smoothing constant", R::between(0, 1));
  c.declare("optim.rmsprop_eps", 0.01, "RMSprop epsilon", R::at_least(0));
  // Local agents (ARQ, AD).
  c.declare("local.widths", std::vector<int64_t>{400, 200, 200}, "hidden width of each layer",
            R::at_least(1));
  c.declare("local.heads", int64_t{8}, "attention heads K", R::at_least(1));
  c.declare("local.goodness", std::string("std"), "ARQ readout: std | rms | mean | msq | var");
  c.declare("local.action_code", std::string("onehot"), "onehot | binary (+-1 bits, LSB first)");
  c.declare("local.action_conditioning", true, "append the action code to the z-projections");
  c.declare("local.norm_order", std::string("code"),
            "code (standardise, tanh) | paper (tanh, LayerNorm)");
  c.declare("local.context_window", int64_t{10},
            "past observations replayed to rebuild the context", R::at_least(1));
  c.declare("local.stale_context_on_random", true,
            "keep the context stale on epsilon-random steps");
  c.declare("local.acting_layers", int64_t{0},
            "act on the mean Q of layers 0..k-1 (0: all layers, the released configs)",
            R::at_least(0));
  c.declare("local.threads", int64_t{1},
            "threads sharing each update, 0: one per available core (results repeat per count)",
            R::between(0, 256));
  // Kernels.
  c.declare("nn.isa", std::string("auto"),
            "instruction set of the hot kernels: auto (env ARQ_ISA, else the widest the CPU has) "
            "| avx2 | avx512 (results repeat per level)");
  c.declare("nn.precision", std::string("fp32"),
            "local agents' large products: fp32 | bf16 (bf16 operands, fp32 accumulation, fp32 "
            "weights and Adam; VDPBF16PS where the CPU has avx512_bf16, else emulated bit for "
            "bit)");
  // DQN (MinAtar's reference network).
  c.declare("dqn.conv_channels", int64_t{16}, "3x3 conv output channels", R::at_least(1));
  c.declare("dqn.hidden", int64_t{128}, "fully connected width", R::at_least(1));
  // SAC (pytorch_sac's settings; it also reads agent.gamma, replay.batch_size, optim.adam_*).
  c.declare("sac.hidden", int64_t{1024}, "width of every hidden layer (actor and critics)",
            R::at_least(1));
  c.declare("sac.depth", int64_t{2}, "hidden layers per network", R::at_least(1));
  c.declare("sac.actor_lr", 1e-4, "actor Adam learning rate", R::above(0));
  c.declare("sac.critic_lr", 1e-4, "critic Adam learning rate", R::above(0));
  c.declare("sac.alpha_lr", 1e-4, "temperature (log alpha) Adam learning rate", R::above(0));
  c.declare("sac.init_temperature", 0.1, "initial alpha", R::above(0));
  c.declare("sac.tau", 0.005, "Polyak rate of the target critics (each target update)",
            {0, 1, true, false});
  c.declare("sac.log_std_min", -5.0, "lower bound of the policy's log std");
  c.declare("sac.log_std_max", 2.0, "upper bound of the policy's log std");
  // TD-MPC2 (the official config.yaml; it also reads replay.batch_size). docs/tdmpc2.md.
  c.declare("tdmpc2.model_size", int64_t{5}, "official model size: 1 | 5 | 19 | 48 | 317",
            R::at_least(1));
  c.declare("tdmpc2.latent_dim", int64_t{0}, "latent size (0: from model_size)", R::at_least(0));
  c.declare("tdmpc2.mlp_dim", int64_t{0},
            "hidden width of dynamics, reward, pi, Q (0: from model_size)", R::at_least(0));
  c.declare("tdmpc2.enc_dim", int64_t{0}, "encoder hidden width (0: from model_size)",
            R::at_least(0));
  c.declare("tdmpc2.num_q", int64_t{0}, "Q-heads in the ensemble (0: from model_size)",
            R::at_least(0));
  c.declare("tdmpc2.mpc", true, "plan with MPPI (false: act from the policy prior)");
  c.declare("tdmpc2.horizon", int64_t{3}, "planning and training horizon (agent steps)",
            R::at_least(1));
  c.declare("tdmpc2.iterations", int64_t{6}, "MPPI iterations per decision", R::at_least(1));
  c.declare("tdmpc2.num_samples", int64_t{512}, "MPPI action sequences per iteration",
            R::at_least(1));
  c.declare("tdmpc2.num_elites", int64_t{64}, "MPPI elites (<= num_samples)", R::at_least(1));
  c.declare("tdmpc2.num_pi_trajs", int64_t{24}, "sequences from the policy prior (< num_samples)",
            R::at_least(0));
  c.declare("tdmpc2.temperature", 0.5, "MPPI temperature of the elite weights", R::above(0));
  c.declare("tdmpc2.min_std", 0.05, "MPPI lower std clamp", R::above(0));
  c.declare("tdmpc2.max_std", 2.0, "MPPI upper std clamp and initial std", R::above(0));
  c.declare("tdmpc2.lr", 3e-4, "Adam learning rate (model and policy)", R::above(0));
  c.declare("tdmpc2.enc_lr_scale", 0.3, "encoder learning rate as a fraction of tdmpc2.lr",
            R::above(0));
  c.declare("tdmpc2.grad_clip_norm", 20.0, "global gradient-norm clip (model, policy)",
            R::at_least(0));
  c.declare("tdmpc2.tau", 0.01, "Polyak rate of the target Q-heads and the value scale",
            {0, 1, true, false});
  c.declare("tdmpc2.rho", 0.5, "per-step loss decay over the horizon", {0, 1, true, false});
  c.declare("tdmpc2.consistency_coef", 20.0, "latent consistency loss weight", R::at_least(0));
  c.declare("tdmpc2.reward_coef", 0.1, "reward loss weight", R::at_least(0));
  c.declare("tdmpc2.value_coef", 0.1, "value loss weight", R::at_least(0));
  c.declare("tdmpc2.entropy_coef", 1e-4, "actor entropy coefficient", R::at_least(0));
  c.declare("tdmpc2.log_std_min", -10.0, "lower bound of the policy prior's log std");
  c.declare("tdmpc2.log_std_max", 2.0, "upper bound of the policy prior's log std");
  c.declare("tdmpc2.num_bins", int64_t{101}, "two-hot bins for reward and value", R::at_least(2));
  c.declare("tdmpc2.vmin", -10.0, "lowest bin (symlog space)");
  c.declare("tdmpc2.vmax", 10.0, "highest bin (symlog space)");
  c.declare("tdmpc2.dropout", 0.01, "dropout after the Q-heads' first layer", {0, 1, false, true});
  c.declare("tdmpc2.simnorm_dim", int64_t{8}, "SimNorm group size", R::at_least(1));
  c.declare("tdmpc2.episode_length", int64_t{0},
            "episode length in agent steps for the discount (0: from run.env, DMC 1000/repeat)",
            R::at_least(0));
  c.declare("tdmpc2.discount_denom", 5.0, "discount heuristic: (L/d - 1)/(L/d)", R::above(0));
  c.declare("tdmpc2.discount_min", 0.95, "discount heuristic lower clamp", R::between(0, 1));
  c.declare("tdmpc2.discount_max", 0.995, "discount heuristic upper clamp", R::between(0, 1));
  return c;
}

}  // namespace arq
