#include "arq/render/offscreen_gl.h"

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "arq/core/error.h"

#if defined(ARQ_RENDER_EGL)
#include <EGL/egl.h>
#include <EGL/eglext.h>
#elif defined(ARQ_RENDER_OSMESA)
#include <GL/osmesa.h>
#endif

namespace arq::render {

#if defined(ARQ_RENDER_EGL)

namespace {

std::string egl_error_text() {
  char code[16];
  std::snprintf(code, sizeof(code), "0x%04X", static_cast<unsigned>(eglGetError()));
  return code;
}

template <typename Function>
Function egl_function(const char* name) {
  return reinterpret_cast<Function>(eglGetProcAddress(name));
}

// A display on the first EGL device that initialises (a GPU if there is one, else Mesa's
// software device); Mesa's surfaceless platform when device enumeration is unavailable.
EGLDisplay open_headless_display(std::string& tried) {
  auto query_devices = egl_function<PFNEGLQUERYDEVICESEXTPROC>("eglQueryDevicesEXT");
  auto platform_display = egl_function<PFNEGLGETPLATFORMDISPLAYEXTPROC>("eglGetPlatformDisplayEXT");
  if (platform_display == nullptr) {
    tried = "eglGetPlatformDisplayEXT is unavailable";
    return EGL_NO_DISPLAY;
  }
  if (query_devices != nullptr) {
    EGLDeviceEXT devices[16];
    EGLint count = 0;
    if (query_devices(16, devices, &count) && count > 0) {
      for (EGLint i = 0; i < count; ++i) {
        EGLDisplay display = platform_display(EGL_PLATFORM_DEVICE_EXT, devices[i], nullptr);
        if (display != EGL_NO_DISPLAY && eglInitialize(display, nullptr, nullptr)) return display;
      }
      tried =
          std::to_string(count) + " EGL device(s) failed to initialise (" + egl_error_text() + ")";
    } else {
      tried = "no EGL device found";
    }
  } else {
    tried = "eglQueryDevicesEXT is unavailable";
  }
  EGLDisplay display =
      platform_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
  if (display != EGL_NO_DISPLAY && eglInitialize(display, nullptr, nullptr)) return display;
  tried += "; the surfaceless platform failed too (" + egl_error_text() + ")";
  return EGL_NO_DISPLAY;
}

// EGL hands out one display per device and does not count eglInitialize calls, so terminating
// it would break every other context on it. All contexts share one display, opened on first use
// and kept for the life of the process: terminating it at the end would only unload the driver,
// leaving its remaining allocations without a module to name in leak reports.
EGLDisplay shared_display() {
  static std::mutex mutex;
  static EGLDisplay display = EGL_NO_DISPLAY;
  std::lock_guard lock(mutex);
  if (display == EGL_NO_DISPLAY) {
    std::string tried;
    display = open_headless_display(tried);
    if (display == EGL_NO_DISPLAY) throw Error("offscreen rendering (EGL): " + tried);
  }
  return display;
}

}  // namespace

struct OffscreenGl::Impl {
  EGLDisplay display = EGL_NO_DISPLAY;
  EGLContext context = EGL_NO_CONTEXT;
};

OffscreenGl::OffscreenGl(int /*width*/, int /*height*/) : impl_(std::make_unique<Impl>()) {
  impl_->display = shared_display();
  // MuJoCo draws into its own framebuffer object, so the context needs no surface at all.
  // clang-format off
  const EGLint config_attributes[] = {
      EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT,
      EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8, EGL_ALPHA_SIZE, 8,
      EGL_DEPTH_SIZE, 24, EGL_STENCIL_SIZE, 8, EGL_NONE};
  // clang-format on
  EGLConfig config;
  EGLint configs = 0;
  if (!eglChooseConfig(impl_->display, config_attributes, &config, 1, &configs) || configs < 1) {
    throw Error("offscreen rendering (EGL): no RGBA8 + depth24 OpenGL config (" + egl_error_text() +
                ")");
  }
  if (!eglBindAPI(EGL_OPENGL_API)) {
    throw Error("offscreen rendering (EGL): desktop OpenGL is unavailable (" + egl_error_text() +
                ")");
  }
  impl_->context = eglCreateContext(impl_->display, config, EGL_NO_CONTEXT, nullptr);
  if (impl_->context == EGL_NO_CONTEXT) {
    throw Error("offscreen rendering (EGL): eglCreateContext failed (" + egl_error_text() + ")");
  }
  if (!eglMakeCurrent(impl_->display, EGL_NO_SURFACE, EGL_NO_SURFACE, impl_->context)) {
    const std::string error = egl_error_text();
    eglDestroyContext(impl_->display, impl_->context);
    throw Error("offscreen rendering (EGL): eglMakeCurrent failed (" + error + ")");
  }
}

OffscreenGl::~OffscreenGl() {
  eglMakeCurrent(impl_->display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
  eglDestroyContext(impl_->display, impl_->context);
}

void OffscreenGl::make_current() {
  if (!eglMakeCurrent(impl_->display, EGL_NO_SURFACE, EGL_NO_SURFACE, impl_->context)) {
    throw Error("offscreen rendering (EGL): eglMakeCurrent failed (" + egl_error_text() + ")");
  }
}

std::string OffscreenGl::backend() {
  return "EGL";
}

#elif defined(ARQ_RENDER_OSMESA)

struct OffscreenGl::Impl {
  OSMesaContext context = nullptr;
  std::vector<unsigned char> buffer;  // the default framebuffer; MuJoCo renders into its own
  int width = 0;
  int height = 0;
};

OffscreenGl::OffscreenGl(int width, int height) : impl_(std::make_unique<Impl>()) {
  impl_->context = OSMesaCreateContextExt(OSMESA_RGBA, 24, 8, 0, nullptr);
  if (impl_->context == nullptr) throw Error("offscreen rendering (OSMesa): no context");
  impl_->width = width;
  impl_->height = height;
  impl_->buffer.resize(static_cast<size_t>(width) * height * 4);
  make_current();
}

OffscreenGl::~OffscreenGl() {
  OSMesaDestroyContext(impl_->context);
}

void OffscreenGl::make_current() {
  if (!OSMesaMakeCurrent(impl_->context, impl_->buffer.data(), GL_UNSIGNED_BYTE, impl_->width,
                         impl_->height)) {
    throw Error("offscreen rendering (OSMesa): OSMesaMakeCurrent failed");
  }
}

std::string OffscreenGl::backend() {
  return "OSMesa";
}

#else

struct OffscreenGl::Impl {};

OffscreenGl::OffscreenGl(int, int) {
  throw Error(
      "offscreen rendering is not available: arq was built without EGL or OSMesa (install "
      "libegl-dev or libosmesa6-dev and rebuild)");
}

OffscreenGl::~OffscreenGl() = default;

void OffscreenGl::make_current() {}

std::string OffscreenGl::backend() {
  return "none";
}

#endif

}  // namespace arq::render
