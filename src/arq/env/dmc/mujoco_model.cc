#include "arq/env/dmc/mujoco_model.h"

#include <cstring>
#include <string>

#include "arq/core/error.h"

namespace arq::dmc {
namespace {

struct VfsDeleter {
  void operator()(mjVFS* vfs) const {
    mj_deleteVFS(vfs);
    delete vfs;
  }
};

}  // namespace

ModelPtr compile_mjcf(const std::vector<MjcfFile>& files) {
  if (files.empty()) throw Error("compile_mjcf: no MJCF document given");
  // mjVFS is about 2 MB in MuJoCo 2.2.2: keep it off the stack.
  std::unique_ptr<mjVFS, VfsDeleter> vfs(new mjVFS);
  mj_defaultVFS(vfs.get());
  for (const auto& [name, contents] : files) {
    const std::string file_name(name);
    if (mj_makeEmptyFileVFS(vfs.get(), file_name.c_str(), static_cast<int>(contents.size())) != 0) {
      throw Error("compile_mjcf: cannot add '" + file_name + "' to MuJoCo's virtual file system");
    }
    const int index = mj_findFileVFS(vfs.get(), file_name.c_str());
    std::memcpy(vfs->filedata[index], contents.data(), contents.size());
  }
  char error[1024] = "";
  const std::string main_name(files.front().first);
  ModelPtr model(mj_loadXML(main_name.c_str(), vfs.get(), error, sizeof(error)));
  if (!model) throw Error("MuJoCo cannot compile model '" + main_name + "': " + error);
  return model;
}

ModelPtr copy_model(const mjModel& model) {
  ModelPtr copy(mj_copyModel(nullptr, &model));
  if (!copy) throw Error("MuJoCo could not copy a model");
  return copy;
}

std::string_view object_name(const mjModel& model, mjtObj type, int id) {
  const char* name = mj_id2name(&model, type, id);
  return name == nullptr ? std::string_view() : std::string_view(name);
}

int require_id(const mjModel& model, mjtObj type, const char* name) {
  const int id = mj_name2id(&model, type, name);
  if (id < 0) {
    throw Error(std::string("model has no ") + mju_type2Str(type) + " named '" + name + "'");
  }
  return id;
}

}  // namespace arq::dmc
