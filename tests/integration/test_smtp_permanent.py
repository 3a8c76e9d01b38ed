#!/usr/bin/python3
"""SMTP 550 for one address of a unit: a permanent failure of that address only.

Proves: delivery is per address, so the server refusing RCPT TO of one address (550 5.1.1)
does not stop the unit's other address nor the Office's copy (each gets the reminder once);
the refused address is not retried (exactly one RCPT TO per reminder, none more within
8 s); an error line names the reminder key and the 550; the journal marks that address
'failed' after 1 attempt and the others 'delivered'; the Office receives exactly one
failure report naming the bad address, even after a second reminder fails on it the same
day.
"""

import time

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

BAD = "khong-ton-tai@stnmt.example.gov.vn"
GOOD = "phong-x@stnmt.example.gov.vn"
UNIT_NAME = "Phòng Quản lý đất đai"


class SmtpPermanentFailureTest(DaemonTestCase):

    def test_bad_address_reported_good_delivered(self):
        started = time.time()
        smtp = harness.SmtpSink(reject={BAD: "550 5.1.1 no such user"}).start()
        self.addCleanup(smtp.stop)
        due1 = harness.due_firing_in(3)
        due2 = harness.due_firing_in(7)
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(retry_initial="1s", retry_max="4s"),
            email_={"transport": "smtp", "from": FROM_HEADER, "url": smtp.url,
                    "timeout": "10s"},
            units={
                "van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                "phong-x": {"name": UNIT_NAME, "email": [BAD, GOOD]},
            }))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "viec-1", "title": "Rà soát hồ sơ đất đai", "responsible": ["phong-x"],
              "due": due1, "leads": ["2h"]},
             {"id": "viec-2", "title": "Cập nhật bản đồ địa chính", "responsible": ["phong-x"],
              "due": due2, "leads": ["2h"]}]))
        k1 = harness.reminder_key("p1", "viec-1", due1, "2h", "phong-x")
        k2 = harness.reminder_key("p1", "viec-2", due2, "2h", "phong-x")
        mid = {k: f"<{k}@{harness.MAIL_DOMAIN}>" for k in (k1, k2)}
        d = self.start_daemon()

        # reminder 1: GOOD + Office; then the report; reminder 2: GOOD + Office
        harness.wait_until(lambda: len(smtp.reminders()) >= 2 and smtp.reports(), 15,
                           daemons=[d], desc="reminder 1 to both good addresses, and a report")
        harness.wait_until(lambda: len(smtp.reminders()) >= 4, 15, daemons=[d],
                           desc="reminder 2 to both good addresses")
        harness.assert_holds(
            lambda: smtp.count() == 5 and smtp.rcpt_count(BAD) == 2, 8,
            desc="4 reminder copies + 1 report; one RCPT TO of the bad address per reminder")

        self.check_per_recipient(smtp.reminders(), {mid[k1]: [GOOD, FROM_ADDR],
                                                    mid[k2]: [GOOD, FROM_ADDR]})
        for m in smtp.reminders():
            if m.message_id == mid[k1]:
                self.check_reminder_mail(m.raw, to=[BAD, GOOD], cc=[FROM_ADDR],
                                         title="Rà soát hồ sơ đất đai",
                                         plan_number="12/KH-STNMT", due=due1, key=k1)
        reports = smtp.reports()
        self.assertEqual(len(reports), 1, "one report per failing address per day")
        self.check_failure_report(reports[0], address=BAD, unit_name=UNIT_NAME, key=k1,
                                  reason="550",
                                  days=harness.vn_day_ids(started, time.time()))
        for r in smtp.rcpts:
            if r.address.lower() == BAD:
                self.assertTrue(r.reply.startswith("550"))

        log = d.log()
        for k in (k1, k2):
            self.assertTrue(harness.log_lines(log, "error", k, "550"),
                            f"an error line with {k} and '550' in:\n{log}")
        rows = harness.journal_rows(self.ws.state_dir)
        for k in (k1, k2):
            bad = rows.get(harness.smtp_journal_key(k, BAD))
            self.assertIsNotNone(bad, f"journal row of {k} to {BAD}: {sorted(rows)}")
            self.assertEqual(bad["state"], "failed", bad)
            self.assertEqual(bad["attempts"], 1, bad)
            for addr in (GOOD, FROM_ADDR):
                row = rows.get(harness.smtp_journal_key(k, addr))
                self.assertIsNotNone(row, f"journal row of {k} to {addr}: {sorted(rows)}")
                self.assertEqual(row["state"], "delivered", row)
        d.stop()


if __name__ == "__main__":
    harness.main()
