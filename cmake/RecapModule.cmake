# recap_module(NAME
#   SOURCES src/a.cpp ...          library sources
#   PUBLIC_DEPS / PRIVATE_DEPS     link dependencies (targets or variables)
#   TESTS test/a_test.cpp ...      GoogleTest sources: one test executable per module
#   TEST_DEPS                      extra link dependencies of the tests)
# Creates the static library recap_<NAME> (alias recap::<NAME>) with include/ as its public
# include directory, and the test executable recap_<NAME>_tests registered with CTest
# under the label <NAME>.
function(recap_module name)
  cmake_parse_arguments(M "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS;TESTS;TEST_DEPS" ${ARGN})
  add_library(recap_${name} STATIC ${M_SOURCES})
  add_library(recap::${name} ALIAS recap_${name})
  target_include_directories(recap_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(recap_${name} PUBLIC ${M_PUBLIC_DEPS} recap_build_flags PRIVATE ${M_PRIVATE_DEPS})
  if(BUILD_TESTING AND M_TESTS)
    add_executable(recap_${name}_tests ${M_TESTS})
    target_link_libraries(recap_${name}_tests PRIVATE recap_${name} ${M_TEST_DEPS} GTest::gmock GTest::gtest_main)
    gtest_discover_tests(recap_${name}_tests DISCOVERY_TIMEOUT 120
                         PROPERTIES LABELS ${name} TIMEOUT 600)
  endif()
endfunction()
