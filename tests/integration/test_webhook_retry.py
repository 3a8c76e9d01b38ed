#!/usr/bin/python3
"""A webhook receiver answering 503, 503, then 200.

Proves: HTTP 503 is retryable; the daemon retries with backoff (retry_initial 1s,
retry_max 4s) until the 200, sending exactly 3 POSTs that all carry the same webhook-id
(the reminder key) and a valid Standard Webhooks signature, then nothing more; the journal
row of the webhook delivery ends 'delivered' with attempts = 3.
"""

import hmac
import json

import harness
from harness import FROM_HEADER, DaemonTestCase

SECRET_ENV = "DEADLINED_TEST_SECRET"


class WebhookRetryTest(DaemonTestCase):

    def test_503_503_200(self):
        sink = self.http_sink(statuses=[503, 503])
        secret = harness.new_webhook_secret()
        due = harness.due_firing_in(3)
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(monitor=None, retry_initial="1s",
                                            retry_max="4s"),
            email_={"transport": "maildir", "from": FROM_HEADER, "maildir": "outbox"},
            webhooks={"chat": {"url": sink.url("/hook"), "secret_env": SECRET_ENV,
                               "timeout": "5s"}},
            units={"phong-a": {"name": "Phòng A", "webhooks": ["chat"]}}))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "quan-trac", "title": "Tổng hợp số liệu quan trắc", "due": due,
              "responsible": ["phong-a"], "leads": ["2h"]}]))
        key = harness.reminder_key("p1", "quan-trac", due, "2h", "phong-a")
        d = self.start_daemon(env={SECRET_ENV: secret})

        # 1 s, then 2 s (+20% jitter) of backoff
        sink.wait_count(3, 20, daemons=[d])
        harness.assert_holds(lambda: sink.count() == 3, 5, desc="no POST after the 200")
        reqs = sink.requests
        self.assertEqual([r.status for r in reqs], [503, 503, 200])
        self.assertEqual([r.header("webhook-id") for r in reqs], [harness.webhook_id(key)] * 3,
                         "every attempt carries the webhook-id of the reminder key")
        bodies = []
        for r in reqs:
            ts = r.header("webhook-timestamp")
            sig = r.header("webhook-signature") or ""
            self.assertRegex(ts or "", r"^\d+$", "webhook-timestamp")
            expected = harness.standard_webhook_signature(secret, harness.webhook_id(key), ts,
                                                          r.body)
            self.assertTrue(any(hmac.compare_digest(c, expected) for c in sig.split()),
                            f"signature {sig!r} does not verify (expected {expected!r})")
            body = json.loads(r.body)
            self.assertEqual(body["key"], key)
            bodies.append(body)
        # A retry carries the same reminder; its text is written as of the attempt, so that
        # the time it says is left is true when it is sent.
        as_of_attempt = ("subject", "text", "overdue_days")
        for b in bodies[1:]:
            self.assertEqual({k: v for k, v in b.items() if k not in as_of_attempt},
                             {k: v for k, v in bodies[0].items() if k not in as_of_attempt},
                             "a retry sends the same reminder")
        gaps = [b.received_at - a.received_at for a, b in zip(reqs, reqs[1:])]
        # the second backoff is 2 s (the daemon may count in whole seconds)
        self.assertGreater(gaps[1], 0.9, f"backoff doubles: gaps between POSTs {gaps}")
        d.stop()

        row = harness.journal_rows(self.ws.state_dir).get(
            harness.webhook_journal_key(key, "chat"))
        self.assertIsNotNone(row, "journal row of the webhook delivery")
        self.assertEqual(row["state"], "delivered", row)
        self.assertEqual(row["attempts"], 3, row)


if __name__ == "__main__":
    harness.main()
