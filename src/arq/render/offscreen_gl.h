#pragma once
// A headless OpenGL context for MuJoCo's renderer, needing neither a display nor a GPU. The
// backend is chosen at build time: EGL (device platform, else Mesa's surfaceless platform) when
// CMake finds libEGL, otherwise OSMesa; without either, construction throws.
#include <memory>
#include <string>

namespace arq::render {

class OffscreenGl {
 public:
  // Creates a context and makes it current on this thread. Throws arq::Error saying why when no
  // context can be made (no backend compiled in, no EGL device, driver refused...).
  OffscreenGl(int width, int height);
  ~OffscreenGl();
  OffscreenGl(const OffscreenGl&) = delete;
  OffscreenGl& operator=(const OffscreenGl&) = delete;

  // Makes the context current again (after another context was used on this thread).
  void make_current();

  // "EGL", "OSMesa" or "none": what this build uses.
  static std::string backend();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace arq::render
