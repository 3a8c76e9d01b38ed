#pragma once

namespace deadlined::cli {

/// Parses the command line and runs a subcommand; returns the process exit code.
int main(int argc, char** argv);

}  // namespace deadlined::cli
