#include "arq/env/dmc/physics.h"

#include <string>

#include "arq/core/error.h"

namespace arq::dmc {
namespace {

constexpr std::array<const char*, mjNWARNING> kWarningNames = {
    "INERTIA", "CONTACTFULL", "CNSTRFULL", "VGEOMFULL", "BADQPOS", "BADQVEL", "BADQACC", "BADCTRL"};

}  // namespace

Physics::Physics(ModelPtr model) : model_(std::move(model)) {
  if (!model_) throw Error("Physics: no model");
  data_.reset(mj_makeData(model_.get()));
  if (!data_) throw Error("Physics: MuJoCo could not allocate mjData");
  forward_without_actuation();  // dm_control's Physics constructor does the same
}

void Physics::reset() {
  mj_resetData(model_.get(), data_.get());
  forward_without_actuation();
}

void Physics::forward_without_actuation() {
  remember_warnings();
  const int saved_flags = model_->opt.disableflags;
  model_->opt.disableflags = saved_flags | mjDSBL_ACTUATION;
  mj_forward(model_.get(), data_.get());
  model_->opt.disableflags = saved_flags;
  throw_on_new_warnings("a forward pass");
}

void Physics::step(int n) {
  if (n < 1) throw Error("Physics::step: need at least one sub-step, got " + std::to_string(n));
  remember_warnings();
  mj_step2(model_.get(), data_.get());
  for (int i = 1; i < n; ++i) mj_step(model_.get(), data_.get());
  mj_step1(model_.get(), data_.get());
  throw_on_new_warnings("a physics step");
}

void Physics::remember_warnings() {
  for (int i = 0; i < mjNWARNING; ++i) warnings_before_[i] = data_->warning[i].number;
}

void Physics::throw_on_new_warnings(const char* during) const {
  std::string names;
  for (int i = 0; i < mjNWARNING; ++i) {
    if (data_->warning[i].number > warnings_before_[i]) {
      names += (names.empty() ? "" : ", ") + std::string(kWarningNames[i]);
    }
  }
  if (!names.empty()) {
    throw Error("MuJoCo reported an invalid physics state during " + std::string(during) +
                " (warnings: " + names + ") at time " + std::to_string(data_->time));
  }
}

}  // namespace arq::dmc
