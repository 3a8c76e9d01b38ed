#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "ids/ids.hpp"
#include "schedule/schedule.hpp"

namespace deadlined::message {

/// One message for one channel of a unit: what preview lists and what delivery sends.
struct Outbound {
  enum class Kind { email, webhook };
  Kind kind = Kind::email;
  std::string channel;          ///< ids::ChannelId text: "email" or "webhook:NAME"
  std::string webhook;          ///< NAME, for webhooks
  std::string id;               ///< the reminder's stable key; Message-ID local part and webhook-id
  std::vector<std::string> to;  ///< addresses, or the webhook url
  std::vector<std::string> cc;
  std::string subject;
  std::string content;  ///< the RFC 5322 message or the JSON body; empty unless rendered
  std::string text;     ///< the plain text, for reports (the digest); may be empty
  /// The named person of the addressee (config::Person::name) this message reaches, addressed
  /// by name; empty: the unit itself.
  std::string person;
};

/// One message per channel of `unit`: its email when it has addresses (and email is set up),
/// and each of its webhooks, all with `id` and `subject`. The content functions may be
/// empty, leaving content empty.
std::vector<Outbound> per_channel(const config::Config& config, const config::Unit& unit,
                                  const std::string& id, const std::string& subject,
                                  std::vector<std::string> cc,
                                  const std::function<std::string(const Outbound&)>& email_content,
                                  const std::function<std::string()>& webhook_content);

/// Whether `reminder` copies the monitor unit ([service] monitor_cc), and the addresses of
/// that copy (none when it does not).
bool copies_monitor(const config::Config& config, const schedule::Reminder& reminder);
std::vector<std::string> copies_of(const config::Config& config,
                                   const schedule::Reminder& reminder);

/// "reminder", "overdue" or "escalation": the webhook payload's `type`, preview's `kind`.
std::string_view kind_name(schedule::Reminder::Kind kind);

/// "a, b, c": addresses or urls as one line.
std::string join_list(const std::vector<std::string>& items);

/// The one-click confirmation link of a reminder's (task, occurrence, unit), valid until the
/// deadline plus [http] link_grace; none without an [http] section.
std::optional<std::string> confirmation_url(const config::Config& config,
                                            const schedule::Reminder& reminder);
/// The same link for `assignment`, whose occurrence is due at `due`.
std::optional<std::string> confirmation_url(const config::Config& config,
                                            const ids::AssignmentId& assignment,
                                            config::SysSeconds due);

/// The iCalendar feed of a unit's pending deadlines (token-protected); none without [http].
std::optional<std::string> calendar_url(const config::Config& config, const config::Unit& unit);

/// The human-readable subject and plain-text body of a reminder, an overdue notice or an
/// escalation, in Vietnamese (reminder_text.cpp).
/// The task's title, followed for a recurring task by its period: "Báo cáo tháng 8/2026".
std::string title_of(const schedule::Reminder& reminder);

/// Working days from the deadline's day to `now`'s: what "quá hạn N ngày làm việc" says when
/// the message goes out, whenever its stage was scheduled (a catch-up, a retry).
int overdue_days_at(const config::Config& config, const schedule::Reminder& reminder,
                    config::SysSeconds now);

/// The stage of `reminder` as people read it: "trước 7 ngày", "trước 3 ngày làm việc",
/// "ngày đến hạn", "trước 2 giờ", "nhắc quá hạn lần 2", "báo cáo Lãnh đạo Sở".
std::string stage_label(const schedule::Reminder& reminder);
/// The same from a stage as journal keys write it ("3wd", "overdue-2", "escalate-UNIT"): for
/// what was sent, where no Reminder is at hand.
std::string stage_label(const config::Config& config, std::string_view stage);

/// The subject and the text of `reminder` as sent at `now`, from the message templates in
/// force (variables.hpp): the days left, or overdue, are counted from `now`.
std::string subject_of(const config::Config& config, const schedule::Reminder& reminder,
                       config::SysSeconds now);
std::string text_of(const config::Config& config, const schedule::Reminder& reminder,
                    config::SysSeconds now);

/// The body of `reminder`'s text as sent at `now`: its kind's text template
/// ("reminder.text.mustache"), without the letter around it ("letter.text.mustache": the
/// greeting, the calendar link, the copy note, the contact and the footer). What a bundle lists.
std::string body_of(const config::Config& config, const schedule::Reminder& reminder,
                    config::SysSeconds now);

/// The Message-ID local part of a message to the named `person` of a unit: the unit's `id`
/// with a stable mark of the person, whose letter differs from the unit's; `id` for none.
std::string person_message_id(const std::string& id, std::string_view person);

/// The messages a reminder produces, one per channel of its unit, then one per channel of each
/// named person of the unit (at the addresses the unit's own messages do not reach, and never
/// copying the Office). With `render` the content is filled in, with `now` as the Date header.
std::vector<Outbound> outbound_for(const config::Config& config, const schedule::Reminder& reminder,
                                   config::SysSeconds now, bool render);

/// The content of one message of outbound_for(..., false), as `render` would have filled it
/// in. Pure and thread-safe: the scheduler renders on the thread that sends.
std::string content_of(const config::Config& config, const schedule::Reminder& reminder,
                       const Outbound& message, config::SysSeconds now);

/// A complete RFC 5322 message with CRLF line ends; `extra_headers` are complete
/// CRLF-terminated lines added as they are. With `html`, multipart/alternative: the plain
/// text, then the HTML part.
std::string render_email(const config::Config& config, const std::string& message_id,
                         const std::vector<std::string>& to, const std::vector<std::string>& cc,
                         const std::string& subject, const std::string& text,
                         config::SysSeconds now, const std::string& extra_headers = {},
                         const std::string& html = {});

/// The webhook JSON body (see README for the fields), as sent at `now`.
std::string render_webhook(const config::Config& config, const schedule::Reminder& reminder,
                           config::SysSeconds now, std::string_view person = {});

/// One unit's state in the Office's digest.
struct DigestUnit {
  const config::Unit* unit = nullptr;
  bool confirmed = false;
  config::SysSeconds confirmed_at{};
  /// The unit's deadline in force, when an extension moved it from the occurrence's.
  std::optional<config::SysSeconds> extended_to{};
};

/// One open occurrence in the digest, with its responsible units.
struct DigestItem {
  schedule::OpenOccurrence occurrence;
  std::vector<DigestUnit> units;
};

/// The id of the day's digest: "digest.YYYYMMDD".
ids::ReportId digest_key(const config::Config& config, config::SysSeconds now);
inline std::string digest_id(const config::Config& config, config::SysSeconds now) {
  return digest_key(config, now).to_string();
}

/// Whether the digest has anything to say: some unit has not confirmed.
bool digest_needed(const std::vector<DigestItem>& items);

/// The morning digest to the monitor unit: per plan and task, who has confirmed, who is
/// still within the deadline, who is overdue and by how many working days. One message per
/// channel of the monitor unit.
std::vector<Outbound> digest(const config::Config& config, const config::Unit& monitor,
                             const std::vector<DigestItem>& items, config::SysSeconds now);

/// A delivery that failed for good, as reported to the Office.
struct FailedDelivery {
  std::string address;  ///< the email address, or the webhook url
  std::string channel;
  std::string unit_id;
  std::string unit_name;
  std::string reminder_key;
  std::string reason;
  bool disabled = false;  ///< the receiver answered 410 Gone: the channel is disabled
};

/// The id of the day's report about `address`: "failure.YYYYMMDD.<16 hex digits>", so that
/// one failing address is reported at most once a day.
ids::ReportId failure_report_key(const config::Config& config, const std::string& address,
                                 config::SysSeconds now);
inline std::string failure_report_id(const config::Config& config, const std::string& address,
                                     config::SysSeconds now) {
  return failure_report_key(config, address, now).to_string();
}

/// The report of a failed delivery to the monitor unit, one message per channel of that unit.
std::vector<Outbound> failure_report(const config::Config& config, const config::Unit& monitor,
                                     const FailedDelivery& failure, config::SysSeconds now);

/// A test message for `send-test`, through every channel of `unit`.
std::vector<Outbound> test_outbound(const config::Config& config, const config::Unit& unit,
                                    config::SysSeconds now);

}  // namespace deadlined::message
