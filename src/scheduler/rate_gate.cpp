#include "scheduler/rate_gate.hpp"
