#!/usr/bin/python3
"""`[service] monitor_cc`: which emails copy the Office, on the real daemon and a real SMTP
server.

Each run sends phong-a one overdue notice (of a deadline passed yesterday, caught up at start
within office hours) and one reminder (an exact lead, a few seconds after start). Proves:
with the digest on, the default copies the Office on the overdue notice only (Cc header, a
separate SMTP transaction to the Office, and the "Đồng gửi" note), never on the reminder;
`"all"` copies both; `"none"` copies neither, and the Office receives nothing of them.
"""

import datetime as dt
import time

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase, noon_zone

UNIT_A = "a@stnmt.example.gov.vn"
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class MonitorCcTest(DaemonTestCase):

    def run_with(self, **service) -> dict:
        """{(subject kind, rcpt): (Cc header, body)} of the run's reminder mails."""
        smtp = self.smtp_sink()
        zone, tz = noon_zone()
        now = dt.datetime.now(tz).replace(microsecond=0)
        yesterday = (now - dt.timedelta(days=1)).replace(hour=11, minute=0, second=0)
        # Office hours all day: the overdue notice of this morning is caught up at once.
        values = dict(timezone=zone, holiday_rules="none", workdays=DAYS, send_time="00:01",
                      day_end="23:59", chase_from=(now - dt.timedelta(days=3)).date(),
                      overdue=True, bundle=False)
        values.update(service)
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(**values),
            email_={"transport": "smtp", "from": FROM_HEADER, "url": smtp.url, "timeout": "10s"},
            units={"van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                   "phong-a": {"name": "Phòng A", "email": [UNIT_A]}}))
        due = now + dt.timedelta(seconds=30)
        tasks = [{"id": "qua-han", "title": "Báo cáo quá hạn", "responsible": ["phong-a"],
                  "due": yesterday, "leads": ["1d"]},
                 {"id": "sap-toi", "title": "Báo cáo sắp tới", "responsible": ["phong-a"],
                  "due": due, "leads": ["22s"]}]
        self.ws.write_plan("p1.toml", harness.plan_text(harness.default_plan("p1"), tasks))
        d = self.start_daemon()

        def reminders():
            return [m for m in smtp.mails if not m.is_report]

        def to_unit():
            return [m for m in reminders() if UNIT_A in m.rcpt_tos]

        harness.wait_until(lambda: len(to_unit()) >= 2, 90, daemons=[d],
                           desc="the overdue notice and the reminder to phong-a")
        # A copy to the Office is its own transaction of the same message, sent with it:
        # two seconds more let any such copy arrive.
        time.sleep(2)
        d.stop()
        out = {}
        for m in reminders():
            msg = m.message()
            kind = "overdue" if str(msg["Subject"]).startswith("[Quá hạn]") else "reminder"
            for rcpt in m.rcpt_tos:
                out[(kind, rcpt)] = (str(msg["Cc"] or ""), harness.text_body(msg))
        return out

    def assert_copied(self, mails: dict, kind: str, copied: bool) -> None:
        cc, body = mails[(kind, UNIT_A)]
        if copied:
            self.assertIn(FROM_ADDR, cc, f"{kind}: the Office in Cc")
            self.assertIn("Đồng gửi: Văn phòng Sở", body, kind)
            self.assertIn((kind, FROM_ADDR), mails, f"{kind}: delivered to the Office too")
        else:
            self.assertEqual(cc, "", f"{kind}: no Cc")
            self.assertNotIn("Đồng gửi", body, kind)
            self.assertNotIn((kind, FROM_ADDR), mails, f"{kind}: nothing to the Office")

    def test_with_the_digest_the_office_is_copied_on_overdue_notices_only(self):
        mails = self.run_with(digest=True)
        self.assert_copied(mails, "overdue", True)
        self.assert_copied(mails, "reminder", False)

    def test_all_copies_every_email(self):
        mails = self.run_with(digest=True, monitor_cc="all")
        self.assert_copied(mails, "overdue", True)
        self.assert_copied(mails, "reminder", True)

    def test_none_copies_nothing(self):
        mails = self.run_with(monitor_cc="none")
        self.assert_copied(mails, "overdue", False)
        self.assert_copied(mails, "reminder", False)


if __name__ == "__main__":
    harness.main()
