# Two commands do everything on a fresh Debian machine:
#   make run    install what is missing, build, run the main job (a short ARQ training + report)
#   make test   install what is missing, build, run the whole test suite
# Options: SANITIZE=1 (ASan+UBSan build in build-sanitize/), NATIVE=1 (-march=native instead of
#          the portable x86-64-v3 build whose kernels pick their ISA level at run time),
#          WERROR=1 (warnings are errors, as in CI), JOBS=N (parallel build and test jobs),
#          GENERATOR="Unix Makefiles" (for a new build folder; default Ninja).
#   make fuzz   build the parsers' libFuzzer targets with clang in build-fuzz/ and run each for
#               FUZZ_SECONDS (default 60), or FUZZ_RUNS executions; FUZZ_TARGETS="replay sweep"
#               picks some (fuzz/README.md).

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
# Ninja keeps both cores busy where Make's per-target ordering leaves one idle (a clean build:
# 435 s with Ninja, 505 s with Makefiles; docs/architecture.md). A build folder keeps the
# generator it was first configured with.
GENERATOR ?= Ninja
generator_flag = $(if $(wildcard $(1)/CMakeCache.txt),,-G "$(GENERATOR)")
CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DARQ_SANITIZE=$(if $(filter 1,$(SANITIZE)),ON,OFF) \
              -DARQ_NATIVE=$(if $(filter 1,$(NATIVE)),ON,OFF) \
              -DARQ_WERROR=$(if $(filter 1,$(WERROR)),ON,OFF)

FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= 0
FUZZ_TARGETS ?=
FUZZ_CXX ?= clang++-14
FUZZ_DIR ?= build-fuzz

.PHONY: all deps configure build run test bench fuzz format clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) $(call generator_flag,$(BUILD_DIR)) $(CMAKE_FLAGS) > /dev/null

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

# -O1 with line tables: fast to build, and sanitizer reports still name file and line. The
# compiler is set only when build-fuzz is first configured (changing it would reset the cache).
fuzz:
	@bash scripts/install-deps.sh fuzz
	@cmake -S . -B $(FUZZ_DIR) $(call generator_flag,$(FUZZ_DIR)) \
	  $(if $(wildcard $(FUZZ_DIR)/CMakeCache.txt),,-DCMAKE_CXX_COMPILER=$(FUZZ_CXX)) \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" -DARQ_FUZZ=ON -DARQ_PYTHON=OFF > /dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_targets
	@bash fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_RUNS) $(FUZZ_TARGETS)

format:
	@find src apps tests bench fuzz python/src -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	@rm -rf build build-sanitize build-fuzz
