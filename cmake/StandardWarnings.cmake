# Warnings for our own code only: linked PRIVATE, never exported to third-party headers.
add_library(deadlined_warnings INTERFACE)
target_compile_options(deadlined_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  # GCC 12 reports a std::variant or std::optional of shared_ptrs, moved through a heap or a
  # container, as "may be used uninitialized" depending on inlining (GCC bug 80635, false
  # positives): the scheduler's jobs hit it in some build types and not others.
  $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
option(DEADLINED_WERROR "Treat warnings as errors" OFF)
if(DEADLINED_WERROR)
  target_compile_options(deadlined_warnings INTERFACE -Werror)
endif()
