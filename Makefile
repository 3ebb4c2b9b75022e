# Two commands do everything on a fresh Debian machine:
#   make run    install what is missing, build, run the main job (a short ARQ training + report)
#   make test   install what is missing, build, run the whole test suite
# Options: SANITIZE=1 (ASan+UBSan build in build-sanitize/), NATIVE=1 (-march=native instead of
#          the portable x86-64-v3 build whose kernels pick their ISA level at run time),
#          WERROR=1 (warnings are errors, as in CI), JOBS=N (parallel build and test jobs).

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SANITIZE ?= 0
NATIVE ?= 0
WERROR ?= 0
ifeq ($(SANITIZE),1)
  BUILD_DIR ?= build-sanitize
  BUILD_TYPE ?= RelWithDebInfo
else
  BUILD_DIR ?= build
  BUILD_TYPE ?= Release
endif
CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DARQ_SANITIZE=$(if $(filter 1,$(SANITIZE)),ON,OFF) \
              -DARQ_NATIVE=$(if $(filter 1,$(NATIVE)),ON,OFF) \
              -DARQ_WERROR=$(if $(filter 1,$(WERROR)),ON,OFF)

.PHONY: all deps configure build run test bench format clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS) > /dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	@# Other build folders also provide build/arq, unless a regular build already does.
	@if [ "$(BUILD_DIR)" != "build" ] && [ ! -e build/arq ]; then mkdir -p build && ln -sf ../$(BUILD_DIR)/arq build/arq; fi

run: build
	@bash scripts/run-default.sh $(BUILD_DIR)/arq

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	@$(BUILD_DIR)/arq bench env

format:
	@find src apps tests bench python/src -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	@rm -rf build build-sanitize
