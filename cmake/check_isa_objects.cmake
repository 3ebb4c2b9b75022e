# Fails if an object compiled for a wider ISA level (a *_avx512.cc or *_avx512bf16.cc unit) defines a weak symbol:
# the linker keeps one copy of each weak (inline or template) function for the whole program, and
# if it kept this unit's copy, code running at a lower level would execute AVX-512 instructions.
# Such units must keep everything but their entry points in an unnamed namespace.
# Usage: cmake -DNM=<nm> -DOBJECTS=<list> -P check_isa_objects.cmake
set(checked 0)
foreach(object IN LISTS OBJECTS)
  if(NOT object MATCHES "_avx512(bf16)?\\.cc\\.o$")
    continue()
  endif()
  math(EXPR checked "${checked} + 1")
  execute_process(COMMAND ${NM} --defined-only -C ${object} OUTPUT_VARIABLE symbols
                  RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "nm failed on ${object}")
  endif()
  string(REGEX MATCHALL "[^\n]* [WVu] [^\n]*" weak "${symbols}")
  if(weak)
    string(REPLACE ";" "\n  " weak "${weak}")
    message(FATAL_ERROR "${object} defines weak symbols that other levels could end up "
                        "calling:\n  ${weak}")
  endif()
endforeach()
if(checked EQUAL 0)
  message(FATAL_ERROR "no *_avx512.cc or *_avx512bf16.cc objects among the ones given")
endif()
message(STATUS "${checked} AVX-512 unit(s) define no weak symbols")
