#include "app/notify.hpp"

#include <systemd/sd-daemon.h>

namespace deadlined::app {

void notify(const std::string& state) {
  sd_notify(0, state.c_str());
}

}  // namespace deadlined::app
