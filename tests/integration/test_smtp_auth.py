#!/usr/bin/python3
"""The SMTP password never crosses the network in cleartext unless the config says so.

An aiosmtpd server on loopback offers AUTH PLAIN/LOGIN without STARTTLS (a server without
TLS, or one whose STARTTLS an attacker strips). With `username` and the default
opportunistic TLS, deadlined must not authenticate: no AUTH reaches the server, no mail is
sent, the delivery fails for good with a message that says why, and the Office's failure
report is not sent through the same channel either. With `allow_cleartext_auth = true` it
authenticates and delivers. Every message carries `X-Auto-Response-Suppress: All`.
"""

import secrets

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

UNIT_A = "a@stnmt.example.gov.vn"


class SmtpAuthTest(DaemonTestCase):

    def run_with(self, allow_cleartext: bool):
        password = secrets.token_urlsafe(24)
        sink = self.smtp_sink(auth=("vanphong", password))
        due = harness.due_firing_in(3)
        email = {"transport": "smtp", "from": FROM_HEADER, "url": sink.url,
                 "username": "vanphong", "password_env": "DL_IT_SMTP_PASSWORD",
                 "timeout": "10s"}
        if allow_cleartext:
            email["allow_cleartext_auth"] = True
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(retry_initial="1s", retry_max="2s"),
            email_=email,
            units={"van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                   "phong-a": {"name": "Phòng A", "email": [UNIT_A]}}))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "t", "title": "Báo cáo", "responsible": ["phong-a"], "due": due,
              "leads": ["2h"]}]))
        key = harness.reminder_key("p1", "t", due, "2h", "phong-a")
        d = self.start_daemon(env={"DL_IT_SMTP_PASSWORD": password})
        return d, sink, password, harness.smtp_journal_key(key, UNIT_A)

    def test_no_auth_without_tls_by_default(self):
        d, sink, password, jkey = self.run_with(allow_cleartext=False)
        rows = harness.wait_until(
            lambda: (r := harness.journal_rows(self.ws.state_dir)).get(jkey, {}).get("state")
            == "failed" and r, 20, daemons=[d], desc="the delivery failed for good")
        self.assertIn("never sent without TLS", rows[jkey]["last_error"])
        self.assertEqual(rows[jkey]["attempts"], 1, "a permanent failure is not retried")
        harness.assert_holds(lambda: not sink.auth_attempts and not sink.mails, 2,
                             desc="no AUTH and no mail reached the server")
        self.assertNotIn(password, d.log())
        d.stop()

    def test_cleartext_auth_when_the_config_allows_it(self):
        d, sink, password, jkey = self.run_with(allow_cleartext=True)
        mails = sink.wait_count(2, 20, daemons=[d])  # the unit's and the Office's copy
        self.assertIn(("PLAIN", "vanphong", password), sink.auth_attempts)
        for m in mails:
            self.assertEqual(m.message()["X-Auto-Response-Suppress"], "All")
            self.assertEqual(m.message()["Auto-Submitted"], "auto-generated")
        # The sink has the message before the daemon has the server's reply and records it.
        harness.wait_until(
            lambda: harness.journal_rows(self.ws.state_dir).get(jkey, {}).get("state")
            == "delivered", 10, daemons=[d], desc="the delivery recorded as delivered")
        d.stop()


if __name__ == "__main__":
    harness.main()
