#!/usr/bin/python3
"""HTTPS webhooks against a receiver with a self-signed certificate made at test time.

Proves:
(a) without an opt-out, certificate verification fails and that is permanent: the daemon
    aborts the TLS handshake (the receiver sees a failed handshake and no POST), the
    journal row ends 'failed' with attempts == 1, an error line names the reminder key, and
    the Office (monitor unit, email through an aiosmtpd sink) gets exactly one failure report
    naming the URL (no retry, no second report in the following seconds);
(b) a second webhook to the same server with `insecure_skip_verify = true` is delivered:
    exactly one POST, journal 'delivered' with attempts == 1, and the daemon logs the warning
    "[webhooks.NAME] insecure_skip_verify is on" for it (and not for the verified one).
Skipped, with a message, when /usr/bin/openssl is missing.
"""

import os
import time
from collections import Counter

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

STRICT_UNIT = "Phòng Kiểm tra chứng chỉ"


class TlsWebhookTest(DaemonTestCase):

    def test_self_signed_certificate(self):
        if not os.access(harness.OPENSSL, os.X_OK):
            self.skipTest(f"{harness.OPENSSL} is missing: cannot make a test certificate")
        certs = self.ws.root / "tls"
        certs.mkdir()
        cert, key = harness.self_signed_certificate(certs)
        started = time.time()
        smtp = self.smtp_sink()
        https = harness.HttpsSink(cert, key).start()
        self.addCleanup(https.stop)
        strict_url, lax_url = https.url("/strict"), https.url("/lax")
        due = harness.due_firing_in(3)
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(retry_initial="1s", retry_max="4s"),
            email_={"transport": "smtp", "from": FROM_HEADER, "url": smtp.url,
                    "timeout": "10s"},
            webhooks={"strict": {"url": strict_url, "timeout": "5s"},
                      "lax": {"url": lax_url, "timeout": "5s", "insecure_skip_verify": True}},
            units={
                "van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                "phong-s": {"name": STRICT_UNIT, "webhooks": ["strict"]},
                "phong-l": {"name": "Phòng Thử nghiệm", "webhooks": ["lax"]},
            }))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "tls", "title": "Báo cáo qua HTTPS", "responsible": ["phong-s", "phong-l"],
              "due": due, "leads": ["2h"]}]))
        k_strict = harness.reminder_key("p1", "tls", due, "2h", "phong-s")
        k_lax = harness.reminder_key("p1", "tls", due, "2h", "phong-l")
        d = self.start_daemon()

        https.wait_count(1, 15, daemons=[d])
        reports = harness.wait_until(smtp.reports, 15, daemons=[d],
                                     desc="a failure report at the Office")
        # A retry (retry_initial 1s) or a second report would show up within this.
        harness.assert_holds(lambda: https.count() == 1 and smtp.count() == 1, 4,
                             desc="one POST and one report, no retry")

        self.assertEqual([r.path for r in https.requests], ["/lax"],
                         "only the opted-out webhook reaches the receiver")
        self.assertEqual(Counter(https.keys()), Counter({k_lax: 1}))
        failed = [e for ok, e in https.handshakes if not ok]
        self.assertTrue(failed, f"the receiver saw no failed TLS handshake: "
                                f"{https.handshakes}")

        self.assertEqual(len(smtp.mails), 1, "only the report reaches the mail server")
        self.check_failure_report(reports[0], address=strict_url, unit_name=STRICT_UNIT,
                                  key=k_strict, reason="certificate",
                                  days=harness.vn_day_ids(started, time.time()))

        rows = harness.journal_rows(self.ws.state_dir)
        strict = rows.get(harness.webhook_journal_key(k_strict, "strict"))
        lax = rows.get(harness.webhook_journal_key(k_lax, "lax"))
        self.assertIsNotNone(strict, f"journal row for {k_strict}: {sorted(rows)}")
        self.assertIsNotNone(lax, f"journal row for {k_lax}: {sorted(rows)}")
        self.assertEqual(strict["state"], "failed", strict)
        self.assertEqual(strict["attempts"], 1, strict)
        self.assertEqual(lax["state"], "delivered", lax)
        self.assertEqual(lax["attempts"], 1, lax)

        log = d.log()
        self.assertTrue(harness.log_lines(log, "error", k_strict),
                        f"an error line naming {k_strict} in:\n{log}")
        self.assertTrue(harness.log_lines(log, "warning",
                                          "[webhooks.lax] insecure_skip_verify is on"),
                        f"a warning line '[webhooks.lax] insecure_skip_verify is on' in:\n{log}")
        self.assertEqual(harness.log_lines(log, None, "[webhooks.strict] insecure_skip_verify"),
                         [], "no insecure warning for the verified webhook")
        print(f"\n[tls] handshakes {len(https.handshakes)} ({len(failed)} failed: "
              f"{failed[:1]}); strict last_error {strict['last_error']!r}")
        d.stop()


if __name__ == "__main__":
    harness.main()
