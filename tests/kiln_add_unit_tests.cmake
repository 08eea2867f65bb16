# kiln_add_unit_tests(area LIBS ...): one GoogleTest binary per *_test.cc file of the calling
# directory; the test's name is "<area>/<file stem>", its label "unit". Included by
# tests/CMakeLists.txt and, in the edge-only build (KILN_EDGE_ONLY), by the top-level
# CMakeLists.txt.
#
#   include(${PROJECT_SOURCE_DIR}/tests/kiln_add_unit_tests.cmake)
#   kiln_add_unit_tests(runtime LIBS kiln_runtime_core)
find_package(GTest REQUIRED)

function(kiln_add_unit_tests area)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  foreach(src ${tests})
    get_filename_component(name ${src} NAME_WE)
    set(target ${area}_${name})
    add_executable(${target} ${src})
    target_link_libraries(${target} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main
                                            GTest::gmock)
    # Test bodies need neither -O2 nor full debug info (line tables give backtraces): -O1 -g1
    # compiles them in about half the time of -O2 -g (CI builds them in the asan preset). The
    # code under test keeps its libraries' flags.
    target_compile_options(${target} PRIVATE -O1 -g1)
    add_test(NAME ${area}/${name} COMMAND ${target})
    set_tests_properties(${area}/${name} PROPERTIES LABELS unit)
  endforeach()
endfunction()
