#include "scheduler/deliveries.hpp"

#include <spdlog/spdlog.h>

namespace deadlined::scheduler {
namespace {

/// The journal row of `key`: its text and, as columns, what it names. A report's row has
/// plan "-", its kind as the task and its day as the occurrence (the format journals hold).
journal::DeliveryRecord record_of(const ids::DeliveryKey& key, std::string unit,
                                  SysSeconds scheduled_at, SysSeconds due_at, bool late) {
  journal::DeliveryRecord record;
  record.key = key.to_string();
  record.reminder_key = key.message_id();
  record.channel = key.channel.to_string();
  if (const auto* reminder = std::get_if<ids::ReminderKey>(&key.message)) {
    record.plan = reminder->assignment.plan;
    record.task = reminder->assignment.task;
    record.occurrence = reminder->assignment.occurrence;
    record.stage = reminder->stage;
  } else {
    const auto& report = std::get<ids::ReportId>(key.message);
    record.plan = "-";
    record.task = std::string(report.kind_name());
    record.occurrence = report.day;
    record.stage = "report";
  }
  record.unit = std::move(unit);
  record.scheduled_at = scheduled_at;
  record.due_at = due_at;
  record.late = late;
  return record;
}

}  // namespace

std::vector<Delivery> deliveries_of(const Generation& generation, const schedule::Reminder& r,
                                    SysSeconds now) {
  const config::Config& config = *generation.config;
  std::vector<Delivery> out;
  const ids::ReminderKey reminder_key = r.id();
  // The content is rendered by the thread that sends it (see SendLanes): only keys,
  // channels and recipients are needed here.
  for (message::Outbound& outbound : message::outbound_for(config, r, now, false)) {
    const delivery::Channel* channel = generation.channels->find(outbound.channel);
    auto channel_id = ids::ChannelId::parse(outbound.channel);
    if (!channel || !channel_id) {
      spdlog::error("no channel '{}' for {}; check the configuration", outbound.channel,
                    outbound.id);
      continue;
    }
    std::vector<std::string> everyone = outbound.to;
    everyone.insert(everyone.end(), outbound.cc.begin(), outbound.cc.end());
    auto groups = delivery::recipient_groups(*channel, std::move(everyone));
    for (std::size_t g = 0; g < groups.size(); ++g) {
      ids::DeliveryKey key{reminder_key, *channel_id,
                           channel->per_recipient() ? groups[g].front() : std::string()};
      Delivery d;
      d.record = record_of(key, r.unit->id, r.at, r.due, r.late);
      d.recipients = std::move(groups[g]);
      d.give_up_at = r.until + config.service.give_up_after;
      d.unit_id = r.unit->id;
      d.unit_name = r.unit->name;
      d.lineage = r.assignment().to_string() + '|' + r.addressee().id + '|' +
                  key.channel.to_string() + '|' + key.address;
      if (g + 1 == groups.size()) {
        d.outbound = std::move(outbound);  // the last group takes the message
      } else {
        d.outbound = outbound;
      }
      out.push_back(std::move(d));
    }
  }
  return out;
}

std::vector<Delivery> report_deliveries(const Generation& generation, const config::Unit& monitor,
                                        const message::Outbound& outbound, const ids::ReportId& id,
                                        SysSeconds now, SysSeconds give_up_at) {
  std::vector<Delivery> out;
  const delivery::Channel* channel = generation.channels->find(outbound.channel);
  auto channel_id = ids::ChannelId::parse(outbound.channel);
  if (!channel || !channel_id) return out;
  for (auto& group : delivery::recipient_groups(*channel, outbound.to)) {
    ids::DeliveryKey key{id, *channel_id, channel->per_recipient() ? group.front() : std::string()};
    Delivery report;
    report.record = record_of(key, monitor.id, now, now, false);
    report.recipients = std::move(group);
    report.give_up_at = give_up_at;
    report.is_report = true;
    report.unit_id = monitor.id;
    report.unit_name = monitor.name;
    report.outbound = outbound;
    out.push_back(std::move(report));
  }
  return out;
}

std::string addresses_of(const Delivery& d) {
  return message::join_list(d.recipients.empty() ? d.outbound.to : d.recipients);
}

}  // namespace deadlined::scheduler
