#!/usr/bin/python3
"""SMTP server down at the reminder's time, up 20 s later.

Proves: a refused connection is retryable; the daemon keeps retrying (retry_initial 1s,
retry_max 4s) and, once the server listens, delivers the reminder exactly once per address
(one transaction to the unit, one to the Office in Cc, same Message-ID), with no duplicate
afterwards; the journal records each address as delivered after more than one attempt.
"""

import datetime as dt
import time

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

UNIT_A = "a@stnmt.example.gov.vn"
TITLE = "Báo cáo tình hình quản lý chất thải rắn sinh hoạt"
OUTAGE = 20.0  # seconds after the reminder's time


class SmtpOutageTest(DaemonTestCase):

    def test_delivered_once_after_outage(self):
        reserved = harness.reserve_refusing_port()  # refuses connections, keeps the port ours
        self.addCleanup(reserved.close)
        port = reserved.getsockname()[1]
        due = harness.due_firing_in(3)
        fire = harness.monotonic_of(due - dt.timedelta(hours=2))
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(retry_initial="1s", retry_max="4s"),
            email_={"transport": "smtp", "from": FROM_HEADER,
                    "url": f"smtp://127.0.0.1:{port}", "timeout": "10s"},
            units={
                "van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                "phong-a": {"name": "Phòng A", "email": [UNIT_A]},
            }))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "chat-thai", "title": TITLE, "responsible": ["phong-a"], "due": due,
              "leads": ["2h"]}]))
        key = harness.reminder_key("p1", "chat-thai", due, "2h", "phong-a")
        msg_id = f"<{key}@{harness.MAIL_DOMAIN}>"
        jkeys = [harness.smtp_journal_key(key, a) for a in (UNIT_A, FROM_ADDR)]

        d = self.start_daemon()
        # The daemon tried (and failed) while the server was down.
        harness.wait_until(
            lambda: all(harness.journal_rows(self.ws.state_dir).get(k, {}).get("attempts", 0)
                        >= 2 for k in jkeys),
            fire + OUTAGE - time.monotonic(), daemons=[d],
            desc="two failed attempts per address in the journal during the outage")
        time.sleep(max(0.0, fire + OUTAGE - time.monotonic()))
        rows = harness.journal_rows(self.ws.state_dir)
        for k in jkeys:
            self.assertEqual(rows[k]["state"], "pending", f"{k} during the outage: {rows[k]}")

        reserved.close()
        smtp = harness.SmtpSink()
        self.addCleanup(smtp.stop)
        smtp.start(port=port)
        up = time.monotonic()

        # retry_max 4s + 20% jitter: the next attempt comes within ~5 s
        smtp.wait_count(2, 10, daemons=[d])
        harness.assert_holds(lambda: smtp.count() == 2, 5, desc="no duplicate after delivery")
        self.check_per_recipient(smtp.mails, {msg_id: [UNIT_A, FROM_ADDR]})
        for mail in smtp.mails:
            self.assertGreaterEqual(mail.received_at, up)
            self.check_reminder_mail(mail.raw, to=[UNIT_A], cc=[FROM_ADDR], title=TITLE,
                                     plan_number="12/KH-STNMT", due=due, key=key)
        d.stop()

        rows = harness.journal_rows(self.ws.state_dir)
        for k in jkeys:
            self.assertIn(k, rows, f"journal keys: {sorted(rows)}")
            self.assertEqual(rows[k]["state"], "delivered", f"{k}: {rows[k]}")
            self.assertGreater(rows[k]["attempts"], 1, f"{k}: {rows[k]}")
        self.assertEqual(sorted(rows), sorted(jkeys), "no other journal rows")


if __name__ == "__main__":
    harness.main()
