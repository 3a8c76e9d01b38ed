#include "scheduler/office_reports.hpp"

#include <spdlog/spdlog.h>

#include "message/time_format.hpp"
#include "scheduler/deliveries.hpp"

namespace deadlined::scheduler {
namespace {

/// Reports to the Office are retried for this long.
constexpr std::chrono::hours k_report_lifetime{24};

}  // namespace

void OfficeReports::delivery_failed(const Job& job, const delivery::Outcome& outcome,
                                    SysSeconds now) {
  const config::Config& config = *job.generation->config;
  const config::Unit* monitor = config.monitor_unit();
  const Delivery& d = *job.delivery();
  std::string address = addresses_of(d);
  if (!monitor) {
    spdlog::error("no monitor unit is configured to report the failure of {} to", address);
    return;
  }
  message::FailedDelivery failure{address,     d.outbound.channel, d.unit_id,
                                  d.unit_name, d.outbound.id,      outcome.detail};
  failure.disabled = outcome.gone;
  ids::ReportId report_id = message::failure_report_key(config, address, now);
  if (!reported_.insert(report_id.to_string()).second) return;
  spdlog::info("reporting the failure of {} to {} as {}", address, monitor->id,
               report_id.to_string());
  queue(job.generation, message::failure_report(config, *monitor, failure, now), report_id, now);
}

void OfficeReports::digest(const Job& job, SysSeconds now, const schedule::Extensions& extensions,
                           const LatestConfirmation& latest) {
  const config::Config& config = *job.generation->config;
  SysSeconds next = next_digest(config, now, true);
  queue_.push(Job{next, 0, job.generation, DigestTick{}});
  const config::Unit* monitor = config.monitor_unit();
  if (!monitor) return;
  if (!digest_on_time(config, now)) {
    spdlog::info("digest tick at {} is outside office hours; the next digest goes at {}",
                 message::iso8601(config.service.zone, now),
                 message::iso8601(config.service.zone, next));
    return;
  }
  auto items = digest_items(config, now, extensions, latest);
  ids::ReportId id = message::digest_key(config, now);
  if (!message::digest_needed(items)) {
    spdlog::info("{}: every unit has confirmed its open tasks; no digest today", id.to_string());
    return;
  }
  spdlog::info("sending {} to {}: {} open tasks", id.to_string(), monitor->id, items.size());
  queue(job.generation, message::digest(config, *monitor, items, now), id, now);
}

void OfficeReports::queue(const std::shared_ptr<const Generation>& generation,
                          const std::vector<message::Outbound>& outbounds, const ids::ReportId& id,
                          SysSeconds now) {
  const config::Unit* monitor = generation->config->monitor_unit();
  for (const message::Outbound& outbound : outbounds) {
    for (Delivery& report :
         report_deliveries(*generation, *monitor, outbound, id, now, now + k_report_lifetime)) {
      queue_.push(
          Job{now, 0, generation, SendReport{std::make_shared<const Delivery>(std::move(report))}});
    }
  }
}

}  // namespace deadlined::scheduler
