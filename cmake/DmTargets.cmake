# dm_add_library(NAME SOURCES ... DEPS ...): one static library per layer.
# Includes are rooted at src/, so "binlog/event_reader.h" works everywhere.
function(dm_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE ${DM_WARNING_FLAGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# dm_add_executable(NAME SOURCES ... DEPS ...): a thin binary in build/bin.
function(dm_add_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${DM_WARNING_FLAGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
endfunction()
