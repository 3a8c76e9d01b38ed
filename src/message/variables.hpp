#pragma once

#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "schedule/schedule.hpp"
#include "template/texts.hpp"

namespace deadlined::message {

/// The message templates in force: the config's (an Office's overrides), else the shipped ones.
const templating::Texts& texts_of(const config::Config& config);

/// What the subject and text templates of `r` see as sent at `now` (the facts of
/// templating::reminder_names() and the phrases of templating::letter_names()), to
/// `person_name` (empty: the unit); no subject, text or short text yet. Pure.
templating::Variables letter_variables(const config::Config& config, const schedule::Reminder& r,
                                       config::SysSeconds now, std::string_view person_name = {});
/// The phrases half of letter_variables (reminder_text.cpp): each count of days as at `now`.
void add_phrases(templating::Variables& v, const config::Config& config,
                 const schedule::Reminder& r, config::SysSeconds now);

/// The subject, the body and the whole letter of `r` from its letter_variables `letter` (the
/// body and letter also see its subject).
std::string subject_of(const templating::Variables& letter, const config::Config& config,
                       const schedule::Reminder& r);
std::string body_of(const templating::Variables& letter, const config::Config& config,
                    const schedule::Reminder& r);
/// "letter.text.mustache" around `body` (one reminder's, or a bundle's), its final line
/// breaks dropped: the letter writes the break that follows it.
std::string letter_of(const templating::Variables& letter, const config::Config& config,
                      std::string body);

/// The values of templating::reminder_names() for `reminder` as sent at `now` (every count of days
/// is true then), to `person_name` (empty: the unit). Pure.
templating::Variables variables_of(const config::Config& config, const schedule::Reminder& r,
                                   config::SysSeconds now, std::string_view person_name = {});

/// The short text of a reminder (SMS, chat): the template `reminder.short.mustache` rendered
/// with `values`; it names the task, the deadline and carries the confirmation link.
std::string short_text(const config::Config& config, const templating::Variables& values);

/// The HTML part of a reminder's email: `reminder.html.mustache` rendered with `values`.
std::string html_of(const config::Config& config, const templating::Variables& values);

}  // namespace deadlined::message
