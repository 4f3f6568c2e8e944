# dm_add_test(NAME LABEL unit|integration|slow SOURCES ... DEPS ... [TIMEOUT s]
#             [FIXTURES name...])
# One GoogleTest binary per library; each case becomes a CTest test carrying the
# label and timeout. Integration tests name the fixtures they need ("mariadb"),
# which start the servers once per ctest run (tests/CMakeLists.txt).
function(dm_add_test name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;DEPS;FIXTURES" ${ARGN})
  if(NOT ARG_LABEL MATCHES "^(unit|integration|slow)$")
    message(FATAL_ERROR "dm_add_test(${name}): LABEL must be unit, integration or slow")
  endif()
  if(NOT ARG_TIMEOUT)
    if(ARG_LABEL STREQUAL "unit")
      set(ARG_TIMEOUT 60)
    else()
      set(ARG_TIMEOUT 300)
    endif()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${DM_WARNING_FLAGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} dm_testutil GTest::gtest GTest::gmock GTest::gtest_main)
  # Paths reach the tests compiled into dm_testutil (tests/testutil), since
  # gtest_discover_tests cannot carry a list-valued ENVIRONMENT property.
  set(props LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT})
  if(ARG_FIXTURES)
    list(APPEND props FIXTURES_REQUIRED "${ARG_FIXTURES}")
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ${props})
endfunction()

# dm_add_script_test(NAME LABEL ... COMMAND ... [TIMEOUT s] [FIXTURES ...]):
# a shell-level test (tests/integration/<case>/run.sh).
function(dm_add_script_test name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "COMMAND;FIXTURES" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_test(NAME ${name} COMMAND ${ARG_COMMAND})
  set_tests_properties(${name} PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "DM_TEST_ENV_FILE=${DM_TEST_ENV_FILE};DM_SOURCE_DIR=${PROJECT_SOURCE_DIR};DM_BIN_DIR=${CMAKE_BINARY_DIR}/bin")
  if(ARG_FIXTURES)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${ARG_FIXTURES}")
  endif()
endfunction()
