#include "cli/cli.hpp"

int main(int argc, char** argv) {
  return deadlined::cli::main(argc, argv);
}
