# Runs one libFuzzer target over a fresh copy of its seed corpus, so the source tree is never
# written to and every run starts from the same inputs. Used by the fuzz/* ctests.
#
#   cmake -DFUZZER=path/to/x_fuzz -DSEEDS=corpus/x -DWORK=build/.../corpus_run/x
#         [-DDICT=x.dict] "-DFLAGS=-runs=20000 -seed=1" -P run_fuzz.cmake
foreach(var FUZZER SEEDS WORK)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_fuzz.cmake: -D${var}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(GLOB seeds "${SEEDS}/*")
file(COPY ${seeds} DESTINATION "${WORK}")

separate_arguments(flags UNIX_COMMAND "${FLAGS}")
if(DEFINED DICT)
  list(APPEND flags "-dict=${DICT}")
endif()
execute_process(COMMAND "${FUZZER}" ${flags} "${WORK}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${rc})")
endif()
