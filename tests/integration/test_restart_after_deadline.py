#!/usr/bin/python3
"""A retry cut short by a stop is taken up again after a restart past the deadline.

Proves: a delivery that was still pending (SMTP down, being retried) when the daemon
stopped is not dropped because the task's deadline passed while the daemon was down: on
start, within give_up_after of the deadline, the unfinished attempt is sent again, once
per address, marked late, with the same Message-ID. Reminders never attempted before the
deadline are not taken up (the second task sends nothing).
"""

import datetime as dt
import time

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

UNIT_A = "a@stnmt.example.gov.vn"
TITLE = "Báo cáo kết quả thực hiện"


class RestartAfterDeadlineTest(DaemonTestCase):

    def test_pending_retry_survives_the_deadline(self):
        reserved = harness.reserve_refusing_port()
        self.addCleanup(reserved.close)
        port = reserved.getsockname()[1]
        now = harness.now_utc()
        due = now + dt.timedelta(seconds=6)  # the "4s" stage fires at now + 2 s
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(retry_initial="1s", retry_max="2s"),
            email_={"transport": "smtp", "from": FROM_HEADER,
                    "url": f"smtp://127.0.0.1:{port}", "timeout": "5s"},
            units={
                "van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                "phong-a": {"name": "Phòng A", "email": [UNIT_A]},
            }))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "bao-cao", "title": TITLE, "responsible": ["phong-a"], "due": due,
              "leads": ["4s"]}]))
        key = harness.reminder_key("p1", "bao-cao", due, "4s", "phong-a")
        jkeys = [harness.smtp_journal_key(key, a) for a in (UNIT_A, FROM_ADDR)]

        first = self.start_daemon()
        harness.wait_until(
            lambda: all(harness.journal_rows(self.ws.state_dir).get(k, {}).get("attempts", 0)
                        >= 1 for k in jkeys),
            10, daemons=[first], desc="an attempt per address while the server is down")
        first.stop()
        rows = harness.journal_rows(self.ws.state_dir)
        for k in jkeys:
            self.assertEqual(rows[k]["state"], "pending", f"{k}: {rows[k]}")

        # Past the deadline, with the server up, a new task added whose deadline also passed
        # without any attempt: it must stay silent.
        time.sleep(max(0.0, (due - harness.now_utc()).total_seconds() + 1.5))
        self.ws.write_plan("p2.toml", harness.plan_text(
            harness.default_plan("p2"),
            [{"id": "khac", "title": "Nhiệm vụ khác", "responsible": ["phong-a"], "due": due,
              "leads": ["4s"]}]))
        reserved.close()
        smtp = harness.SmtpSink().start(port=port)
        self.addCleanup(smtp.stop)

        second = self.start_daemon()
        smtp.wait_count(2, 10, daemons=[second])
        harness.assert_holds(lambda: smtp.count() == 2, 3, desc="one transaction per address")
        self.check_per_recipient(smtp.mails, {f"<{key}@{harness.MAIL_DOMAIN}>": [UNIT_A, FROM_ADDR]})
        for mail in smtp.mails:
            subject = str(mail.message()["Subject"])
            self.assertTrue(subject.startswith("[Gửi muộn] "), subject)
        second.stop()
        rows = harness.journal_rows(self.ws.state_dir)
        for k in jkeys:
            self.assertEqual(rows[k]["state"], "delivered", f"{k}: {rows[k]}")
        self.assertEqual(sorted(rows), sorted(jkeys), "the never-attempted task left no row")


if __name__ == "__main__":
    harness.main()
