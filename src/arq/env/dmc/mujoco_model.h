#pragma once
// Owning handles for MuJoCo's mjModel/mjData and compilation of MJCF text held in memory.
#include <mujoco/mujoco.h>

#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace arq::dmc {

struct ModelDeleter {
  void operator()(mjModel* model) const { mj_deleteModel(model); }
};
struct DataDeleter {
  void operator()(mjData* data) const { mj_deleteData(data); }
};
using ModelPtr = std::unique_ptr<mjModel, ModelDeleter>;
using DataPtr = std::unique_ptr<mjData, DataDeleter>;

// An in-memory file for MuJoCo's virtual file system: name as the MJCF refers to it, contents.
using MjcfFile = std::pair<std::string_view, std::string_view>;

// Compiles the MJCF document `files[0]`; the other files are reachable by its <include>s.
// Nothing touches the disk. Throws arq::Error with MuJoCo's message when compilation fails.
ModelPtr compile_mjcf(const std::vector<MjcfFile>& files);

// A private copy of a model (tasks may edit theirs, e.g. reacher's target).
ModelPtr copy_model(const mjModel& model);

// "name" of object `id` of type `type` (mjOBJ_BODY, ...), or "" when it has none.
std::string_view object_name(const mjModel& model, mjtObj type, int id);

// Id of the named object; throws arq::Error when the model has no such object.
int require_id(const mjModel& model, mjtObj type, const char* name);

}  // namespace arq::dmc
