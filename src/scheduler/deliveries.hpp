#pragma once

#include <vector>

#include "ids/ids.hpp"
#include "scheduler/job.hpp"

namespace deadlined::scheduler {

/// The deliveries of `reminder` at `now`: one per channel of its addressee, and one per
/// address for a per-recipient channel (SMTP), each with its journal key; contents are not
/// rendered. The only place delivery keys are made, with the next function.
std::vector<Delivery> deliveries_of(const Generation& generation,
                                    const schedule::Reminder& reminder, SysSeconds now);

/// The deliveries of a report `id` to the Office's unit `monitor` through `outbound`'s channel,
/// rendered; retried until `give_up_at`.
std::vector<Delivery> report_deliveries(const Generation& generation, const config::Unit& monitor,
                                        const message::Outbound& outbound, const ids::ReportId& id,
                                        SysSeconds now, SysSeconds give_up_at);

/// Whom a delivery goes to, as one line: its recipients, or the message's.
std::string addresses_of(const Delivery& delivery);

}  // namespace deadlined::scheduler
