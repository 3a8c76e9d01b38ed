# Warnings for our own code only: linked PRIVATE, never exported to third-party headers.
add_library(deadlined_warnings INTERFACE)
target_compile_options(deadlined_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor)
option(DEADLINED_WERROR "Treat warnings as errors" OFF)
if(DEADLINED_WERROR)
  target_compile_options(deadlined_warnings INTERFACE -Werror)
endif()
