#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <date/date.h>
#include <date/tz.h>

#include "calendar/holidays.hpp"
#include "calendar/work_calendar.hpp"
#include "template/texts.hpp"

namespace deadlined::config {

using Seconds = std::chrono::seconds;
using SysSeconds = date::sys_seconds;
using LocalSeconds = date::local_seconds;
using LocalDays = date::local_days;

/// A position in a source file, 1-based; line 0 means "the file as a whole".
struct SourcePos {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

/// How far before a deadline a reminder goes out.
struct Lead {
  enum class Kind {
    calendar_days,  ///< N days before the due day, at send_time, moved to an earlier working day.
    working_days,   ///< N working days before the due day, at send_time.
    exact,          ///< an exact offset before the due instant.
  };
  Kind kind = Kind::calendar_days;
  std::int64_t amount = 0;  ///< days for the day kinds, seconds for `exact`.
  std::string text;         ///< as written in the config ("3wd"); the stage name in keys.
};

/// A secret value (password, signing key); deliberately has no streaming operator.
struct Secret {
  std::string value;
  bool empty() const { return value.empty(); }
};

/// How a task recurs. Periods are calendar months, quarters, halves and years, or, with the
/// reporting regime of Decree 09/2019 (`nd09`), the same periods with the data cut-off on
/// the 14th: a month runs from the 15th of the month before to the 14th.
struct Recurrence {
  enum class Kind {
    none,          ///< a one-off task
    monthly,       ///< tháng M/YYYY
    quarterly,     ///< quý I-IV
    half_yearly,   ///< 6 tháng đầu năm / 6 tháng cuối năm
    nine_monthly,  ///< 9 tháng đầu năm (January to September)
    yearly,        ///< năm YYYY
    every_days,    ///< every `every` days (weeks are 7 days) from `from`
    every_months,  ///< every `every` months from `from`
  };
  Kind kind = Kind::none;
  int every = 1;
  bool nd09 = false;
  std::optional<LocalDays> from;   ///< periods ending before it do not occur; the anchor of every_*
  std::optional<LocalDays> until;  ///< periods ending after it do not occur
};

/// A deadline computed per occurrence: from its period, or from another task's deadline.
struct DueRule {
  enum class Kind {
    day_of_month,  ///< day `day` of the period's last month (+ `month_offset`), or of `month`
    after_end,     ///< `offset` after the period's last day (the data cut-off)
    before_task,   ///< `offset` before the deadline of `task` in the same plan
    after_date,    ///< `offset` after `from` (or the task's `received`), counted from the
                   ///< day after it (Civil Code 2015 Art. 147): resolved to a date at load
  };
  Kind kind = Kind::day_of_month;
  int day = 0;
  int month_offset = 0;  ///< 0: the period's last month; 1: the month after it
  int month = 0;         ///< 1-12: that month of the year the period ends in; 0: unused
  Lead offset;           ///< calendar or working days
  std::string task;
  LocalDays from{};            ///< for `after_date`
  bool from_received = false;  ///< `after_date`: counted from the task's `received`
  std::string text;            ///< as written
};

/// The deadline of a task, as written.
struct DueSpec {
  enum class Kind {
    date,             ///< `due = 2020-11-03`: ends at day_end of that day.
    local_datetime,   ///< `due = 2020-11-03T10:00:00`: in the service time zone.
    offset_datetime,  ///< `due = 2020-11-03T10:00:00+07:00`: an absolute instant.
    before,           ///< `before = 2020-11-04`: end of the last working day before it.
    rule,             ///< `due = "day 20 of next month"`: computed per occurrence.
  };
  Kind kind = Kind::date;
  LocalDays day{};            ///< for `date` and `before`
  LocalSeconds local_time{};  ///< for `local_datetime`
  SysSeconds instant{};       ///< for `offset_datetime`
  DueRule rule;               ///< for `rule`
  bool rule_before = false;   ///< `before = "<rule>"`: the last working day before that day
};

/// Chasing after the deadline (theo dõi, đôn đốc): overdue notices to each responsible unit
/// that has not confirmed, on working mornings, and escalations to leadership units.
struct Chase {
  bool enabled = false;  ///< by default on when [http] (confirmation links) is configured
  /// The first notice goes out at send_time of the first working day after the deadline's
  /// day that is at or after the deadline plus this.
  Seconds delay{0};
  int every = 3;           ///< then every this many working days at send_time; 0: no repeat
  int notices = 5;         ///< at most this many notices per unit and occurrence
  int escalate_after = 0;  ///< working days overdue before escalating (at send_time); 0: never
  std::vector<std::string> escalate_to;  ///< leadership unit ids
  int until = 20;  ///< no notice later than this many working days past the deadline
};

struct ServiceConfig {
  std::string timezone = "Asia/Ho_Chi_Minh";
  const date::time_zone* zone = nullptr;
  std::filesystem::path state_dir;
  std::chrono::minutes send_time{8 * 60};
  std::chrono::minutes day_end{17 * 60};
  /// Indexed by date::weekday::c_encoding(): 0 = Sunday.
  std::array<bool, 7> workdays{false, true, true, true, true, true, false};
  /// Vietnamese public holidays by law (and their compensatory days) are not working days.
  bool vietnam_holidays = true;
  /// The `holidays` globs (files of yearly decisions), as written, and where.
  std::vector<std::string> holiday_globs;
  SourcePos holidays_where;
  /// The yearly decisions read from those files.
  std::vector<calendar::Decision> decisions;
  std::vector<Lead> leads;
  std::string monitor;  ///< unit id of the Office; empty when none is configured.
  Chase chase;          ///< the default of plans and tasks
  /// A morning digest to the monitor unit on working days (by default when chasing is on).
  bool digest = false;
  std::chrono::minutes digest_time{8 * 60};  ///< default: send_time
  Seconds retry_initial{30};
  Seconds retry_max{30 * 60};
  Seconds give_up_after{24 * 3600};  ///< retryable failures are retried until deadline + this
  /// The earliest deadline chased: an occurrence due before this day gets no catch-up,
  /// overdue notice or escalation. None: the day the journal was created (a first start
  /// sends no backlog).
  std::optional<LocalDays> chase_from;
  /// The agency that issues the plans ("Sở Tài nguyên và Môi trường tỉnh Bắc Kạn"): the
  /// "của …" of a citation, unless a plan names its own issuer.
  std::string organisation;
  /// The footer's contact line ("Mọi vướng mắc xin liên hệ …"); empty: none.
  std::string contact;
  /// Which reminders copy the monitor unit: all, only overdue notices and escalations, or
  /// none. Default: overdue when the digest is on, else all.
  enum class MonitorCc { all, overdue, none };
  MonitorCc monitor_cc = MonitorCc::all;
  /// A unit's email reminders due at the same instant go as one message.
  bool bundle = true;
  /// The folder of the Office's message templates (`templates`), as resolved; empty: none.
  std::filesystem::path templates;
  /// The message templates in force: the shipped ones with the folder's in their place;
  /// null means the shipped ones alone.
  std::shared_ptr<const templating::Texts> texts;
};

/// `rate = "60/min"`: at most `count` sends of one channel in any window of `per`; the sends
/// past it wait their turn in the channel's lane.
struct RateLimit {
  std::size_t count = 0;
  Seconds per{60};
  std::string text;  ///< as written ("60/min")
};

struct EmailConfig {
  enum class Transport { none, smtp, maildir };
  Transport transport = Transport::none;
  std::string from_name;     ///< display name, UTF-8, may be empty
  std::string from_address;  ///< addr-spec
  std::string url;           ///< smtp:// or smtps://
  bool tls_required = false;
  /// Authenticate even without TLS: the password then crosses the network in cleartext.
  /// Off by default, so that `username` with `smtp://` requires STARTTLS.
  bool allow_cleartext_auth = false;
  bool insecure_skip_verify = false;
  std::string username;
  Secret password;
  std::filesystem::path ca_file;
  /// The name after EHLO; empty: the host's FQDN, else an address literal of the local end.
  std::string helo_name;
  Seconds timeout{30};
  std::filesystem::path maildir;  ///< absolute after loading
  std::optional<RateLimit> rate;
};

/// When a webhook's answer is a success (`success = { status = "200-299", json = "error",
/// equals = 0 }`): the status in range and, with `json`, that field of the JSON answer equal
/// to `equals`. A JSON field's other values are classified by `retryable` and `permanent`.
struct SuccessRule {
  long status_min = 200;
  long status_max = 299;
  std::string json;    ///< a top-level field of the answer ("error", "CodeResult"); empty: none
  std::string equals;  ///< its value as text: `0`, `100`, `success`
  std::string text;    ///< the whole answer, without surrounding blanks ("ok"); empty: any
};

/// A webhook (`[webhooks.NAME]`): our signed JSON by default; with `body` or a `preset`, the
/// request a provider's API expects (docs/CHANNELS.md).
struct WebhookConfig {
  std::string name;
  std::string url;
  Secret secret;  ///< decoded key bytes of `whsec_<base64>`; empty means unsigned
  /// Header values are templates (rendered per message, never with CR or LF)...
  std::vector<std::pair<std::string, std::string>> headers;
  /// ...or secrets (`{ secret_env = "…" }`), sent as they are and never shown.
  std::vector<std::pair<std::string, Secret>> secret_headers;
  Seconds timeout{15};  ///< Standard Webhooks recommends 15 to 30 s
  bool insecure_skip_verify = false;

  /// "" (ours), "zalo-zns", "esms", "speedsms", "google-chat", "teams-workflow", "slack",
  /// "mattermost": the provider whose API the requests follow.
  std::string preset;
  std::string method = "POST";
  std::string content_type = "application/json";
  /// The body as a mustache template (message::variables); none: our JSON payload, signed.
  std::optional<std::string> body;
  std::vector<std::pair<std::string, std::string>> query;  ///< name, value template
  SuccessRule success;
  /// Values of `success.json` that are worth another try, and that never will be; any other
  /// value that is not a success is permanent.
  std::vector<std::string> retryable_codes;
  std::vector<std::string> permanent_codes;
  /// Values that say the message was taken already (eSMS 124: a RequestId seen before, so
  /// an earlier attempt got through): delivered.
  std::vector<std::string> delivered_codes;
  std::optional<RateLimit> rate;
  /// Sent to phone numbers (the unit's `phone`, its people's): one delivery per number.
  bool by_phone = false;
  /// The text is folded to ASCII (SMS without Unicode), and cut to `max_length` characters
  /// (0: no limit).
  bool unicode = true;
  std::size_t max_length = 0;

  // Provider keys (docs/CHANNELS.md): zalo-zns
  std::string token_url;  ///< the OAuth endpoint that refreshes the access token
  std::string app_id;
  Secret secret_key;
  Secret refresh_token;  ///< the first one; later ones are kept in the journal
  std::string template_id;
  std::vector<std::pair<std::string, std::string>> template_data;  ///< name, value template
  // esms, speedsms
  Secret api_key;
  std::string brandname;
  std::string sms_type;  ///< eSMS SmsType, SpeedSMS sms_type
};

/// The daemon's HTTP service: confirmation links, status page, metrics.
/// An account of the Office on the desk (`[http.office.ID]`): its actions are recorded as
/// `office:ID` in the audit trail.
struct OfficeAccount {
  std::string id;
  std::string name;  ///< the person, as the desk shows it
  Secret token;      ///< the password of HTTP Basic (user ID), or `Authorization: Bearer`
};

struct HttpConfig {
  bool enabled = false;  ///< an [http] section is present
  std::string host = "127.0.0.1";
  std::uint16_t port = 8765;
  std::string public_url;  ///< the base of links in messages, without a trailing '/'
  Secret secret;           ///< signs confirmation links
  Secret admin_token;      ///< `Authorization: Bearer` of the status page; empty: no status page
  std::vector<OfficeAccount> office;  ///< named accounts of the desk, besides admin_token
  Seconds link_grace{30 * 86400};     ///< links stay valid this long after the deadline
  bool trust_proxy = false;           ///< take the client address from X-Forwarded-For
};

/// A named officer of a unit (`people = [{ name, title, email, phone, channels }]`): the
/// chuyên viên in charge, the head of the unit. They receive the unit's messages at their own
/// addresses, addressed by name; the Office is never copied on them.
struct Person {
  std::string name;   ///< "Nguyễn Văn An"
  std::string title;  ///< "Trưởng phòng Quản lý đất đai"; may be empty
  std::vector<std::string> emails;
  std::vector<std::string> phones;  ///< "84…"
  /// "email" and the names of [webhooks]; by default email (when an address is given) and the
  /// unit's webhooks sent by phone (when a number is).
  std::vector<std::string> channels;
  SourcePos where;
};

struct Unit {
  std::string id;
  std::string name;
  std::vector<std::string> emails;
  std::vector<std::string> webhooks;
  SourcePos where;
  std::vector<std::string> phones;  ///< "84…", for the webhooks sent by phone
  std::vector<Person> people;

  /// The person named `name`; none when the unit has no such person.
  const Person* find_person(std::string_view name) const;
};

struct Task {
  std::string id;
  std::string title;
  std::string detail;
  std::vector<std::string> responsible;
  std::vector<std::string> coordinating;
  std::string report_to;  ///< whom the units report to; empty means the monitor unit
  /// The unit of `responsible` that leads (chủ trì); empty: none named (with one responsible
  /// unit, that unit).
  std::string lead;
  /// `received = DATE`: the day the unit received the document, for `due = "5wd after
  /// received"`.
  std::optional<LocalDays> received;
  /// The plan sets no date and the Office chose this one: messages say so ("Văn phòng Sở
  /// đề nghị hoàn thành trước …").
  bool office_deadline = false;
  DueSpec due;
  /// A date-only deadline on a non-working day ends at day_end of the next working day (Civil
  /// Code 2015 Art. 148(5)); false keeps it on that day.
  bool move_off_non_working_day = true;
  std::vector<Lead> leads;  ///< effective leads: the task's, else the plan's, else the service's
  Chase chase;              ///< effective: the task's keys over the plan's over the service's
  Recurrence recurrence;
};

/// One year's issue of a recurring plan: its own number, date and basis.
struct Edition {
  int year = 0;
  std::string number;
  std::optional<LocalDays> date;
  bool date_month_only = false;  ///< `date = "2020-07"`: printed "tháng 7/2020"
  std::string basis;
};

struct Plan {
  std::string id;
  std::string kind;  ///< the document type ("Quyết định"); empty: from the number's type code
  std::string number;
  std::string title;
  std::optional<LocalDays> date;
  bool date_month_only = false;  ///< `date = "2020-07"`: printed "tháng 7/2020"
  std::string basis;
  std::string issuer;  ///< who issued it; empty: [service] organisation
  /// Per year, for a recurring plan; an occurrence of a year without one cites no number.
  std::vector<Edition> editions;
  std::vector<Task> tasks;

  const Task* find_task(const std::string& task_id) const;
  /// Whether the plan has a number, date and basis of `year` to cite for an occurrence of a
  /// recurring task: that year's edition, its own when dated that year, or its own when it
  /// is undated and has no editions (they belong to no year). Always true for `year` 0.
  bool has_edition(int year) const;
};

/// A validated configuration; immutable once loaded.
struct Config {
  std::filesystem::path file;
  ServiceConfig service;
  EmailConfig email;
  std::map<std::string, WebhookConfig> webhooks;
  HttpConfig http;
  std::map<std::string, Unit> units;
  std::vector<Plan> plans;
  /// The working days of service.workdays, vietnam_holidays and decisions, built once at load.
  std::shared_ptr<const calendar::WorkCalendar> calendar;

  const Unit* find_unit(const std::string& id) const;
  const Unit* monitor_unit() const { return find_unit(service.monitor); }
};

}  // namespace deadlined::config
