#include "arq/render/mujoco_renderer.h"

#include <algorithm>

#include "arq/core/error.h"

namespace arq::render {
namespace {

constexpr int kMaxSceneGeoms = 2000;

const mjModel& checked_size(const mjModel& model, int width, int height) {
  if (width < 1 || height < 1 || width > model.vis.global.offwidth ||
      height > model.vis.global.offheight) {
    throw Error("MuJoCo rendering: frame size " + std::to_string(width) + " x " +
                std::to_string(height) + " must be within the model's offscreen buffer of " +
                std::to_string(model.vis.global.offwidth) + " x " +
                std::to_string(model.vis.global.offheight));
  }
  return model;
}

}  // namespace

MujocoRenderer::MujocoRenderer(const mjModel& model, int width, int height,
                               const std::string& camera)
    : model_(checked_size(model, width, height)),
      width_(width),
      height_(height),
      gl_(width, height) {
  mjv_defaultCamera(&camera_);
  if (!camera.empty()) {
    const int id = mj_name2id(&model_, mjOBJ_CAMERA, camera.c_str());
    if (id < 0) {
      std::string known;
      for (int i = 0; i < model_.ncam; ++i) {
        known += (known.empty() ? "" : ", ") + std::string(mj_id2name(&model_, mjOBJ_CAMERA, i));
      }
      throw Error("MuJoCo rendering: the model has no camera '" + camera +
                  "' (cameras: " + (known.empty() ? "none" : known) + ")");
    }
    camera_.type = mjCAMERA_FIXED;
    camera_.fixedcamid = id;
  } else if (model_.ncam > 0) {
    camera_.type = mjCAMERA_FIXED;
    camera_.fixedcamid = 0;
  } else {
    camera_.type = mjCAMERA_TRACKING;
    camera_.trackbodyid = std::min(1, model_.nbody - 1);
    camera_.distance = 2.0 * model_.stat.extent;
    camera_.elevation = -15.0;
    camera_.azimuth = 90.0;
  }
  mjv_defaultOption(&option_);
  mjv_defaultPerturb(&perturb_);
  mjv_defaultScene(&scene_);
  mjv_makeScene(&model_, &scene_, kMaxSceneGeoms);
  mjr_defaultContext(&context_);
  mjr_makeContext(&model_, &context_, mjFONTSCALE_100);
  mjr_setBuffer(mjFB_OFFSCREEN, &context_);
  if (context_.currentBuffer != mjFB_OFFSCREEN) {
    mjr_freeContext(&context_);
    mjv_freeScene(&scene_);
    throw Error("MuJoCo rendering: the offscreen framebuffer is not supported by this OpenGL");
  }
  bottom_up_.resize(static_cast<size_t>(width_) * height_ * 3);
}

MujocoRenderer::~MujocoRenderer() {
  try {
    gl_.make_current();  // the GL objects to free belong to this context
  } catch (const Error&) {
    // Nothing to do: the context is gone, and its objects with it.
  }
  mjr_freeContext(&context_);
  mjv_freeScene(&scene_);
}

void MujocoRenderer::render(const mjData& data, std::span<uint8_t> rgb) {
  const size_t row_bytes = static_cast<size_t>(width_) * 3;
  if (rgb.size() != row_bytes * height_) {
    throw Error("MuJoCo rendering: output has " + std::to_string(rgb.size()) + " bytes, expected " +
                std::to_string(row_bytes * height_));
  }
  gl_.make_current();
  // mjv_updateScene does not modify the data; its signature just predates const-correctness.
  mjv_updateScene(&model_, const_cast<mjData*>(&data), &option_, &perturb_, &camera_, mjCAT_ALL,
                  &scene_);
  const mjrRect viewport{0, 0, width_, height_};
  mjr_render(viewport, &scene_, &context_);
  mjr_readPixels(bottom_up_.data(), nullptr, viewport, &context_);
  for (int y = 0; y < height_; ++y) {
    std::copy_n(bottom_up_.data() + static_cast<size_t>(height_ - 1 - y) * row_bytes, row_bytes,
                rgb.data() + static_cast<size_t>(y) * row_bytes);
  }
}

}  // namespace arq::render
