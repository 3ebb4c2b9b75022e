#include "fast_step.h"

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#include <structmember.h>

#include <array>
#include <exception>
#include <string>
#include <vector>

#include "arq/core/error.h"

namespace py = pybind11;

namespace arq::python {
namespace {

PyObject* g_error_type = nullptr;  // arq._arq.Error, for an arq::Error thrown by a step

struct FastStep {
  PyObject ob_base;  // PyObject_HEAD
  vectorcallfunc vectorcall;
  PyObject* owner;         // the arq.Env this steps (strong reference)
  PyObject* checked_step;  // _arq.Env.step, the pybind11 method (strong reference)
  FastStepTarget target;
  int ndim;
  std::array<npy_intp, 4> dims;
  int typenum;
};

FastStep* as_fast_step(PyObject* object) {
  return reinterpret_cast<FastStep*>(object);
}

// The checked path: checked_step(owner, *args, **kwargs), with the same arguments.
PyObject* call_checked(FastStep* self, PyObject* const* args, size_t nargsf, PyObject* kwnames) {
  if (self->owner == nullptr) {
    PyErr_SetString(PyExc_RuntimeError, "arq: step() of an environment that no longer exists");
    return nullptr;
  }
  const Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  const Py_ssize_t nkeywords = kwnames != nullptr ? PyTuple_GET_SIZE(kwnames) : 0;
  std::vector<PyObject*> all(static_cast<size_t>(1 + nargs + nkeywords));
  all[0] = self->owner;
  for (Py_ssize_t i = 0; i < nargs + nkeywords; ++i) all[static_cast<size_t>(1 + i)] = args[i];
  return PyObject_Vectorcall(self->checked_step, all.data(), static_cast<size_t>(1 + nargs),
                             kwnames);
}

PyObject* observation_array(const FastStep* self) {
  PyObject* array =
      PyArray_SimpleNew(self->ndim, const_cast<npy_intp*>(self->dims.data()), self->typenum);
  if (array != nullptr) {
    self->target.view->write_observation(PyArray_DATA(reinterpret_cast<PyArrayObject*>(array)));
  }
  return array;
}

PyObject* step_result(PyObject* observation, const StepResult& result) {
  PyObject* reward = PyFloat_FromDouble(result.reward);
  PyObject* info = PyDict_New();
  PyObject* tuple = PyTuple_New(5);
  if (reward == nullptr || info == nullptr || tuple == nullptr) {
    Py_XDECREF(observation);
    Py_XDECREF(reward);
    Py_XDECREF(info);
    Py_XDECREF(tuple);
    return nullptr;
  }
  PyTuple_SET_ITEM(tuple, 0, observation);  // each SET_ITEM takes over its reference
  PyTuple_SET_ITEM(tuple, 1, reward);
  PyTuple_SET_ITEM(tuple, 2, PyBool_FromLong(result.terminated ? 1 : 0));
  PyTuple_SET_ITEM(tuple, 3, PyBool_FromLong(result.truncated ? 1 : 0));
  PyTuple_SET_ITEM(tuple, 4, info);
  return tuple;
}

PyObject* fast_step_call(PyObject* callable, PyObject* const* args, size_t nargsf,
                         PyObject* kwnames) {
  FastStep* self = as_fast_step(callable);
  if (PyVectorcall_NARGS(nargsf) != 1 || kwnames != nullptr || !PyLong_CheckExact(args[0]) ||
      self->owner == nullptr || !*self->target.started) {
    return call_checked(self, args, nargsf, kwnames);
  }
  const EnvSpec& spec = self->target.env->spec();
  int overflow = 0;
  const long action = PyLong_AsLongAndOverflow(args[0], &overflow);
  if (overflow != 0 || action < 0 || action >= spec.num_actions) {
    return call_checked(self, args, nargsf, kwnames);  // raises the usual range error
  }
  StepResult result;
  try {
    result = self->target.env->step(static_cast<int>(action));
  } catch (const Error& error) {
    PyErr_SetString(g_error_type, error.what());
    return nullptr;
  } catch (const std::exception& error) {
    PyErr_SetString(PyExc_RuntimeError, error.what());
    return nullptr;
  }
  PyObject* observation = observation_array(self);
  if (observation == nullptr) return nullptr;
  return step_result(observation, result);
}

int fast_step_traverse(PyObject* object, visitproc visit, void* arg) {
  FastStep* self = as_fast_step(object);
  Py_VISIT(self->owner);
  Py_VISIT(self->checked_step);
  return 0;
}

int fast_step_clear(PyObject* object) {
  FastStep* self = as_fast_step(object);
  Py_CLEAR(self->owner);  // the target's pointers die with the owner; calls then raise
  Py_CLEAR(self->checked_step);
  return 0;
}

void fast_step_dealloc(PyObject* object) {
  PyTypeObject* type = Py_TYPE(object);
  PyObject_GC_UnTrack(object);
  fast_step_clear(object);
  type->tp_free(object);
  Py_DECREF(type);  // instances of heap types hold a reference to their type
}

PyMemberDef fast_step_members[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(FastStep, vectorcall), READONLY, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};

PyTypeObject* g_fast_step_type = nullptr;

PyTypeObject* create_fast_step_type() {
  static char doc[] =
      "step(action) -> (observation, reward, terminated, truncated, info), run in C++";
  static PyType_Slot slots[] = {
      {Py_tp_dealloc, reinterpret_cast<void*>(fast_step_dealloc)},
      {Py_tp_traverse, reinterpret_cast<void*>(fast_step_traverse)},
      {Py_tp_clear, reinterpret_cast<void*>(fast_step_clear)},
      {Py_tp_call, reinterpret_cast<void*>(PyVectorcall_Call)},
      {Py_tp_members, fast_step_members},
      {Py_tp_doc, doc},
      {0, nullptr},
  };
  static PyType_Spec spec = {"arq._arq._FastStep", sizeof(FastStep), 0,
                             Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
                             slots};
  return reinterpret_cast<PyTypeObject*>(PyType_FromSpec(&spec));
}

}  // namespace

void register_fast_step(py::module_& module) {
  if (_import_array() < 0) throw py::error_already_set();
  g_fast_step_type = create_fast_step_type();
  if (g_fast_step_type == nullptr) throw py::error_already_set();
  g_error_type = module.attr("Error").ptr();  // the module keeps it alive
  module.attr("_FastStep") =
      py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(g_fast_step_type));
}

py::object make_fast_step(const py::handle& owner, const py::handle& checked_step,
                          const FastStepTarget& target) {
  const auto& shape = target.view->observation_shape();
  if (shape.size() > 4) throw Error("arq: observations of more than 4 dimensions");
  FastStep* self = PyObject_GC_New(FastStep, g_fast_step_type);
  if (self == nullptr) throw py::error_already_set();
  self->vectorcall = fast_step_call;
  self->owner = owner.inc_ref().ptr();
  self->checked_step = checked_step.inc_ref().ptr();
  self->target = target;
  self->ndim = static_cast<int>(shape.size());
  self->dims = {};
  for (size_t i = 0; i < shape.size(); ++i) self->dims[i] = shape[i];
  const char kind = target.view->observation_dtype().kind();
  const auto item_size = target.view->observation_dtype().itemsize();
  self->typenum = kind == 'b' ? NPY_BOOL : item_size == 8 ? NPY_FLOAT64 : NPY_FLOAT32;
  PyObject_GC_Track(reinterpret_cast<PyObject*>(self));
  return py::reinterpret_steal<py::object>(reinterpret_cast<PyObject*>(self));
}

}  // namespace arq::python
