#!/usr/bin/python3
"""Chasing keeps office hours: the real daemon, started at night, on a day off, and before
send_time.

The daemon reads the real clock, so each test puts the clock where it wants in the working
week by its config instead: a fixed-offset zone (Etc/GMT-N) in which it is now about noon, a
`day_end` already past ("night"), a `workdays` without today ("a day off"), or a `send_time` a
few seconds ahead ("before the working morning"), with no public holidays.

Proves: a stage missed while the daemon was down (a day lead, at send_time of an earlier day)
is not sent at night or on a day off but waits for send_time of the next working day (the
log says when); one whose deadline would pass first goes at once; an exact lead ("3670s")
goes at once whatever the hour; the Office's digest does not go at night or on a day off;
before send_time, the catch-up and the morning's digest go at send_time, not before.
"""

import datetime as dt

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase, noon_zone

UNIT_A = "a@stnmt.example.gov.vn"
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def key(task: str, due: dt.datetime, stage: str, tz: dt.tzinfo) -> str:
    return f"p1.{task}.{due.astimezone(tz).strftime('%Y%m%d')}.{stage}.phong-a"


class OfficeHoursTest(DaemonTestCase):

    def configure(self, smtp, zone: str, **service) -> None:
        # One message per reminder (no bundle of the catch-ups of one instant): the test
        # follows each reminder's own Message-ID.
        values = dict(timezone=zone, holiday_rules="none", digest=True,
                      workdays=DAYS, retry_initial="1s", bundle=False)
        values.update(service)
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(**values),
            email_={"transport": "smtp", "from": FROM_HEADER, "url": smtp.url,
                    "timeout": "10s"},
            units={"van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                   "phong-a": {"name": "Phòng A", "email": [UNIT_A]}}))

    def plan(self, tasks: list) -> None:
        for t in tasks:
            t.setdefault("title", "Báo cáo " + t["id"])
            t.setdefault("responsible", ["phong-a"])
        self.ws.write_plan("p1.toml", harness.plan_text(harness.default_plan("p1"), tasks))

    @staticmethod
    def reminder_ids(smtp) -> set:
        return {m.message_id for m in smtp.mails if not m.is_report}

    @staticmethod
    def mid(k: str) -> str:
        return f"<{k}@{harness.MAIL_DOMAIN}>"

    def test_at_night_a_catch_up_waits_for_the_next_working_morning(self):
        smtp = self.smtp_sink()
        zone, tz = noon_zone()
        now = dt.datetime.now(tz).replace(microsecond=0)
        today = now.replace(hour=0, minute=0, second=0)
        tomorrow = today + dt.timedelta(days=1)
        # The working day ended at 11:00: it is night until 06:00 tomorrow.
        self.configure(smtp, zone, send_time="06:00", day_end="11:00")
        mai = tomorrow.replace(hour=10)  # its 1d stage was today at 06:00
        toi = today.replace(hour=23)  # its 0d stage too; due before tomorrow's 06:00
        exact = now + dt.timedelta(hours=1)  # its 3670s stage was 70 s ago
        self.plan([{"id": "mai", "due": mai, "leads": ["1d"]},
                   {"id": "toi", "due": toi, "leads": ["0d"]},
                   {"id": "chinh-xac", "due": exact, "leads": ["3670s"]}])
        d = self.start_daemon()
        want = {self.mid(key("toi", toi, "0d", tz)), self.mid(key("chinh-xac", exact, "3670s", tz))}
        harness.wait_until(lambda: want <= self.reminder_ids(smtp), 15, daemons=[d],
                           desc="the catch-ups that cannot wait")
        harness.assert_holds(lambda: self.reminder_ids(smtp) == want, 4,
                             desc="the 1d catch-up waits for the morning")
        self.assertEqual([m for m in smtp.mails if m.is_report], [], "no digest at night")
        lines = harness.log_lines(d.log(), "info", key("mai", mai, "1d", tz),
                                  "outside office hours, sending at "
                                  + tomorrow.strftime("%Y-%m-%dT06:00:00"))
        self.assertEqual(len(lines), 1, d.log())
        d.stop()

    def test_on_a_day_off_a_catch_up_waits_for_the_next_working_day(self):
        smtp = self.smtp_sink()
        zone, tz = noon_zone()
        now = dt.datetime.now(tz).replace(microsecond=0)
        today = now.replace(hour=0, minute=0, second=0)
        tomorrow = today + dt.timedelta(days=1)
        workdays = [day for i, day in enumerate(DAYS) if i != today.weekday()]
        self.configure(smtp, zone, send_time="06:00", day_end="23:00", workdays=workdays)
        # Due the day after tomorrow: its 2d stage, moved back from today (a day off), was
        # yesterday at 06:00.
        due = (today + dt.timedelta(days=2)).replace(hour=17)
        self.plan([{"id": "t", "due": due, "leads": ["2d"]}])
        d = self.start_daemon()
        k = key("t", due, "2d", tz)
        harness.wait_until(lambda: harness.log_lines(d.log(), "info", k,
                                                     "outside office hours"),
                           10, daemons=[d], desc="the catch-up's deferral")
        harness.assert_holds(lambda: smtp.count() == 0, 4,
                             desc="nothing on a day off, no digest either")
        lines = harness.log_lines(d.log(), "info", k, "sending at "
                                  + tomorrow.strftime("%Y-%m-%dT06:00:00"))
        self.assertEqual(len(lines), 1, d.log())
        d.stop()

    def test_before_send_time_the_catch_up_and_digest_go_at_send_time(self):
        smtp = self.smtp_sink()
        zone, tz = noon_zone()
        now = dt.datetime.now(tz).replace(microsecond=0)
        # send_time is the next whole minute at least 15 s away.
        morning = (now + dt.timedelta(seconds=15 + 59)).replace(second=0)
        self.configure(smtp, zone, send_time=morning.strftime("%H:%M"), day_end="23:00")
        # Due tomorrow at 10:00: its 2d stage was yesterday at send_time.
        due = (now + dt.timedelta(days=1)).replace(hour=10, minute=0, second=0)
        self.plan([{"id": "t", "due": due, "leads": ["2d"]}])
        d = self.start_daemon()
        k = key("t", due, "2d", tz)
        self.assertGreater(morning, dt.datetime.now(tz), "started before send_time")
        mails = harness.wait_until(
            lambda: (self.mid(k) in self.reminder_ids(smtp)
                     and any(m.is_report for m in smtp.mails) and smtp.mails),
            90, daemons=[d], desc="the catch-up and the digest at send_time")
        at = harness.monotonic_of(morning.astimezone(dt.timezone.utc))
        for m in mails:
            self.assertGreaterEqual(m.received_at, at - 0.05, (m.message_id, morning))
        reports = [m for m in mails if m.is_report]
        self.assertEqual(reports[0].message()["X-Deadlined-Report"], "digest")
        d.stop()


if __name__ == "__main__":
    harness.main()
