#include "config/resolve.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/lead.hpp"

namespace deadlined::config::detail {
namespace {

namespace fs = std::filesystem;

std::vector<Lead> default_leads() {
  std::vector<Lead> leads;
  for (const char* text : {"7d", "3wd", "1d", "0d"})
    leads.push_back(*parse_lead(text));
  return leads;
}

/// `inherited` with the keys that `keys` sets.
Chase inherit(const Chase& inherited, const ChaseKeys& keys) {
  Chase chase = inherited;
  if (keys.enabled) chase.enabled = *keys.enabled;
  if (keys.delay) chase.delay = *keys.delay;
  if (keys.every) chase.every = *keys.every;
  if (keys.notices) chase.notices = *keys.notices;
  if (keys.escalate_after) chase.escalate_after = *keys.escalate_after;
  if (keys.until) chase.until = *keys.until;
  if (keys.escalate_to) {
    chase.escalate_to.clear();
    for (const Written& unit : *keys.escalate_to)
      chase.escalate_to.push_back(unit.text);
  }
  return chase;
}

/// The ids as written, each once, in the order first written.
std::vector<std::string> unit_ids(std::vector<Written>& written) {
  std::vector<std::string> ids;
  ids.reserve(written.size());
  for (Written& unit : written) {
    if (std::find(ids.begin(), ids.end(), unit.text) == ids.end())
      ids.push_back(std::move(unit.text));
  }
  return ids;
}

/// Each person's channels: as written, else email (with an address) and the unit's webhooks
/// sent by phone (with a number).
void resolve_people(Unit& unit, std::vector<std::optional<std::vector<Written>>>& written,
                    const std::map<std::string, WebhookConfig>& webhooks) {
  for (std::size_t i = 0; i < unit.people.size(); ++i) {
    Person& person = unit.people[i];
    if (i < written.size() && written[i]) {
      for (Written& channel : *written[i])
        person.channels.push_back(std::move(channel.text));
      continue;
    }
    if (!person.emails.empty()) person.channels.emplace_back("email");
    for (const std::string& hook : unit.webhooks) {
      auto it = webhooks.find(hook);
      if (!person.phones.empty() && it != webhooks.end() && it->second.by_phone)
        person.channels.push_back(hook);
    }
  }
}

ServiceConfig resolve_service(ServiceSection& section, const HttpConfig& http) {
  ServiceConfig service = std::move(section.values);
  for (Written& glob : section.holiday_globs)
    service.holiday_globs.push_back(std::move(glob.text));
  if (section.monitor) service.monitor = std::move(section.monitor->text);
  service.leads = section.leads ? std::move(*section.leads) : default_leads();
  Chase defaults;
  defaults.enabled = http.enabled;  // overdue notices carry confirmation links
  service.chase = inherit(defaults, section.chase);
  service.digest = section.digest.value_or(service.chase.enabled);
  service.digest_time = section.digest_time.value_or(service.send_time);
  // With the digest, the Office reads the state of every task each morning: a copy of each
  // reminder adds nothing, a copy of what is overdue still does.
  service.monitor_cc = section.monitor_cc.value_or(
      service.digest ? ServiceConfig::MonitorCc::overdue : ServiceConfig::MonitorCc::all);
  return service;
}

Plan resolve_plan(PlanSection& section, const ServiceConfig& service) {
  Plan plan = std::move(section.values);
  const std::vector<Lead>& plan_leads = section.leads ? *section.leads : service.leads;
  Chase plan_chase = inherit(service.chase, section.chase);
  plan.tasks.reserve(section.tasks.size());
  for (TaskSection& one : section.tasks) {
    Task& task = plan.tasks.emplace_back(std::move(one.values));
    task.responsible = unit_ids(one.responsible);
    task.coordinating = unit_ids(one.coordinating);
    task.leads = one.leads ? std::move(*one.leads) : plan_leads;
    task.chase = inherit(plan_chase, one.chase);
  }
  // What is left of the sections goes now, not once every plan is made.
  std::vector<TaskSection>().swap(section.tasks);
  return plan;
}

/// "5wd after 2026-12-01" to the day it ends: the period starts the day after the date
/// (Civil Code 2015 Art. 147), so 5 working days after Tuesday 01/12/2026 end on Tuesday
/// 08/12; calendar days end where they fall, and a non-working end day moves as any
/// date-only deadline does (Art. 148(5)).
void resolve_after_dates(Config& config) {
  const calendar::WorkCalendar& calendar = *config.calendar;
  for (Plan& plan : config.plans) {
    for (Task& task : plan.tasks) {
      if (task.due.kind != DueSpec::Kind::rule || task.due.rule.kind != DueRule::Kind::after_date)
        continue;
      const DueRule& rule = task.due.rule;
      date::local_days day = rule.from;
      if (rule.offset.kind == Lead::Kind::working_days) {
        for (std::int64_t n = 0; n < rule.offset.amount; ++n)
          day = calendar.next_working_day(day);
      } else {
        day += date::days{rule.offset.amount};
      }
      task.due.kind = DueSpec::Kind::date;
      task.due.day = day;
    }
  }
}

}  // namespace

Config resolve(ParsedConfig parsed) {
  Config config;
  config.file = std::move(parsed.file);
  config.service = resolve_service(parsed.service, parsed.http);
  const ServiceConfig& service = config.service;

  config.email = std::move(parsed.email.values);
  if (config.email.transport == EmailConfig::Transport::maildir) {
    const fs::path& dir = parsed.email.maildir;
    config.email.maildir = (dir.is_absolute() ? dir : service.state_dir / dir).lexically_normal();
  }
  config.webhooks = std::move(parsed.webhooks);
  config.http = std::move(parsed.http);
  for (auto& [id, section] : parsed.units) {
    Unit& unit = config.units.emplace(id, std::move(section.values)).first->second;
    for (Written& hook : section.webhooks)
      unit.webhooks.push_back(std::move(hook.text));
    resolve_people(unit, section.person_channels, config.webhooks);
  }
  config.plans.reserve(parsed.plans.size());
  for (PlanSection& plan : parsed.plans)
    config.plans.push_back(resolve_plan(plan, service));
  config.calendar = std::make_shared<const calendar::WorkCalendar>(
      service.workdays, service.vietnam_holidays, service.decisions);
  resolve_after_dates(config);
  return config;
}

}  // namespace deadlined::config::detail
