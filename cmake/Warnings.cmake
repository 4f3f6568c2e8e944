# Warning flags for dm's own targets only; third-party headers are included as
# SYSTEM so their warnings never fail our build.
set(DM_WARNING_FLAGS
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
  -Wformat=2 -Wmissing-declarations)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  list(APPEND DM_WARNING_FLAGS -Wthread-safety)
endif()
if(DM_WERROR)
  list(APPEND DM_WARNING_FLAGS -Werror)
endif()
# GCC 12 reports false -Wmaybe-uninitialized / -Wstringop-overflow inside
# libstdc++ (std::regex, std::function) once sanitizer instrumentation is on;
# the analyses are unreliable in that mode, so they are off only there.
if(DM_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND DM_WARNING_FLAGS -Wno-maybe-uninitialized -Wno-stringop-overflow)
endif()
