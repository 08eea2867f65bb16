# Golden textual-IR tests (tests/lit/**/*.kir, FileCheck), run by LLVM 14's lit as one ctest
# named "lit" (label lit). Include from tests/CMakeLists.txt after the kiln target is defined
# (the generator expression is evaluated at generate time, so any order in the project works):
#
#   include(${PROJECT_SOURCE_DIR}/tests/lit/lit.cmake)
#
# Run a subset by hand: /usr/bin/python3 <lit.py> -sv build/<preset>/tests/lit/<dir or file>
# (or `cmake --build --preset <preset> --target check-lit`).

find_program(KILN_FILECHECK FileCheck HINTS /usr/lib/llvm-14/bin)
find_program(KILN_NOT not HINTS /usr/lib/llvm-14/bin NO_DEFAULT_PATH)
find_file(KILN_LIT lit.py HINTS /usr/lib/llvm-14/build/utils/lit NO_DEFAULT_PATH)
set(KILN_LIT_PYTHON /usr/bin/python3 CACHE FILEPATH "Python that runs lit")
foreach(var KILN_FILECHECK KILN_NOT KILN_LIT)
  if(NOT ${var})
    message(FATAL_ERROR "${var} not found: install llvm-14-tools (tools/setup.sh)")
  endif()
endforeach()

set(KILN_LIT_SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR})
set(KILN_LIT_BINARY_DIR ${PROJECT_BINARY_DIR}/tests/lit)

# Two steps: configure_file fills in @VARS@, file(GENERATE) then resolves $<TARGET_FILE:kiln>.
configure_file(${KILN_LIT_SOURCE_DIR}/lit.site.cfg.py.in
               ${KILN_LIT_BINARY_DIR}/lit.site.cfg.py.configured @ONLY)
file(GENERATE OUTPUT ${KILN_LIT_BINARY_DIR}/lit.site.cfg.py
     INPUT ${KILN_LIT_BINARY_DIR}/lit.site.cfg.py.configured)

add_test(NAME lit COMMAND ${KILN_LIT_PYTHON} ${KILN_LIT} -sv ${KILN_LIT_BINARY_DIR})
set_tests_properties(lit PROPERTIES LABELS lit)

add_custom_target(check-lit
  COMMAND ${KILN_LIT_PYTHON} ${KILN_LIT} -sv ${KILN_LIT_BINARY_DIR}
  DEPENDS kiln kiln-edge-run
  USES_TERMINAL
  COMMENT "Running lit tests")

# parse -> print -> parse -> print is the identity on every lit file.
add_test(NAME lit/roundtrip
         COMMAND ${KILN_LIT_SOURCE_DIR}/roundtrip.sh $<TARGET_FILE:kiln> ${KILN_LIT_SOURCE_DIR})
add_test(NAME lit/roundtrip-examples
         COMMAND ${KILN_LIT_SOURCE_DIR}/roundtrip.sh $<TARGET_FILE:kiln>
                 ${PROJECT_SOURCE_DIR}/examples)
set_tests_properties(lit/roundtrip-examples PROPERTIES LABELS lit)
set_tests_properties(lit/roundtrip PROPERTIES LABELS lit)
