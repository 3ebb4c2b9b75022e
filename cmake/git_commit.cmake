# Run at every build (cmake -P): writes OUTPUT, a C++ file defining arq::build_git_commit(), with
# the source tree's commit ("<12 hex digits>", "-dirty" appended when tracked files differ from
# it, "unknown" without git or outside a checkout). The file is rewritten only when that text
# changes, so a build without a new commit recompiles nothing.
#   cmake -DSOURCE_DIR=<tree> -DOUTPUT=<file.cc> -P git_commit.cmake
set(commit "unknown")
find_program(GIT_PROGRAM git)
if(GIT_PROGRAM)
  execute_process(COMMAND ${GIT_PROGRAM} rev-parse --show-toplevel
                  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE toplevel RESULT_VARIABLE failed
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  file(REAL_PATH "${SOURCE_DIR}" source_real)
  if(failed EQUAL 0 AND toplevel)
    file(REAL_PATH "${toplevel}" toplevel_real)
  endif()
  # Only this tree's own repository counts (a tarball unpacked inside another checkout does not).
  if(failed EQUAL 0 AND toplevel_real STREQUAL source_real)
    execute_process(COMMAND ${GIT_PROGRAM} rev-parse --short=12 HEAD
                    WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE head RESULT_VARIABLE failed
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(failed EQUAL 0 AND head)
      set(commit "${head}")
      # --no-optional-locks: never take the index lock from under a concurrent git command.
      execute_process(COMMAND ${GIT_PROGRAM} --no-optional-locks diff --quiet HEAD --
                      WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE changed ERROR_QUIET)
      if(changed EQUAL 1)
        string(APPEND commit "-dirty")
      endif()
    endif()
  endif()
endif()

set(content "// Generated at build time by cmake/git_commit.cmake; do not edit.
#include <string_view>

namespace arq {
std::string_view build_git_commit() { return \"${commit}\"; }
}  // namespace arq
")
set(previous "")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" previous)
endif()
if(NOT previous STREQUAL content)
  file(WRITE "${OUTPUT}" "${content}")
endif()
