#!/usr/bin/python3
"""A webhook answering HTTP 400: a permanent failure, reported once to the Office.

Proves: HTTP 400 is not retried (exactly one POST per reminder, none more within 8 s); the
daemon logs an error line naming the reminder key and "HTTP 400"; the journal row ends
'failed'; the Office (monitor unit, reached by email through the aiosmtpd sink) receives
exactly one failure report for the webhook URL (subject, X-Deadlined-Report header,
Message-ID <failure.YYYYMMDD.HEX16@domain>, body with URL, unit name, key and reason); a
second reminder failing on the same webhook the same day sends no second report.
"""

import time
from collections import Counter

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

UNIT_NAME = "Phòng Kỹ thuật"


class WebhookPermanentFailureTest(DaemonTestCase):

    def test_400_reported_once(self):
        started = time.time()
        smtp = self.smtp_sink()
        hook = self.http_sink(status=400)
        url = hook.url("/hook")
        due1 = harness.due_firing_in(3)
        due2 = harness.due_firing_in(7)
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(retry_initial="1s", retry_max="4s"),
            email_={"transport": "smtp", "from": FROM_HEADER, "url": smtp.url,
                    "timeout": "10s"},
            webhooks={"bad": {"url": url, "timeout": "5s"}},
            units={
                "van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                "phong-kt": {"name": UNIT_NAME, "webhooks": ["bad"]},
            }))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "viec-1", "title": "Việc thứ nhất", "responsible": ["phong-kt"],
              "due": due1, "leads": ["2h"]},
             {"id": "viec-2", "title": "Việc thứ hai", "responsible": ["phong-kt"],
              "due": due2, "leads": ["2h"]}]))
        k1 = harness.reminder_key("p1", "viec-1", due1, "2h", "phong-kt")
        k2 = harness.reminder_key("p1", "viec-2", due2, "2h", "phong-kt")
        d = self.start_daemon()

        hook.wait_count(1, 15, daemons=[d])
        reports = harness.wait_until(smtp.reports, 10, daemons=[d],
                                     desc="a failure report at the Office")
        hook.wait_count(2, 15, daemons=[d])
        harness.assert_holds(lambda: hook.count() == 2 and smtp.count() == 1, 8,
                             desc="no retry of a 400 and no second report")

        self.assertEqual(Counter(hook.keys()), Counter({k1: 1, k2: 1}),
                         "one POST per reminder")
        self.assertEqual(len(smtp.mails), 1, "only the report reaches the mail server")
        self.check_failure_report(reports[0], address=url, unit_name=UNIT_NAME, key=k1,
                                  reason="HTTP 400", days=harness.vn_day_ids(started,
                                                                             time.time()))

        log = d.log()
        for k in (k1, k2):
            self.assertTrue(harness.log_lines(log, "error", k, "HTTP 400"),
                            f"an error line with {k} and 'HTTP 400' in:\n{log}")
        rows = harness.journal_rows(self.ws.state_dir)
        for k in (k1, k2):
            row = rows.get(harness.webhook_journal_key(k, "bad"))
            self.assertIsNotNone(row, f"journal row for {k}: {sorted(rows)}")
            self.assertEqual(row["state"], "failed", row)
            self.assertEqual(row["attempts"], 1, row)
        d.stop()


if __name__ == "__main__":
    harness.main()
