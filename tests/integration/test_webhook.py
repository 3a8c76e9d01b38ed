#!/usr/bin/python3
"""Reminders delivered as Standard Webhooks (signed HTTP POST)."""

import datetime as dt
import email.message
import hmac
import json
import time

import harness
from harness import FROM_HEADER, DaemonTestCase

SECRET_ENV = "DEADLINED_TEST_SECRET"
TITLE = "Tổng hợp số liệu quan trắc môi trường quý IV"


class WebhookTest(DaemonTestCase):

    def setup_daemon(self, sink, due):
        self.secret = harness.new_webhook_secret()
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(monitor=None, retry_initial="1s"),
            # No unit has an address; the section only keeps the config conventional.
            email_={"transport": "maildir", "from": FROM_HEADER, "maildir": "outbox"},
            webhooks={"chat": {"url": sink.url("/hook"), "secret_env": SECRET_ENV,
                               "timeout": "5s"}},
            units={"phong-a": {"name": "Phòng A", "webhooks": ["chat"]}}))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "quan-trac", "title": TITLE, "responsible": ["phong-a"], "due": due,
              "leads": ["2h"]}]))
        return self.start_daemon(env={SECRET_ENV: self.secret})

    def check_request(self, req, due, key):
        self.assertEqual(req.method, "POST")
        self.assertEqual(req.path, "/hook")
        ctype = email.message.Message()
        ctype["Content-Type"] = req.header("Content-Type") or ""
        self.assertEqual(ctype.get_content_type(), "application/json",
                         f"Content-Type: {req.header('Content-Type')!r}")

        msg_id = req.header("webhook-id")
        ts = req.header("webhook-timestamp")
        sig = req.header("webhook-signature")
        # Standard Webhooks joins id, timestamp and body with '.': the id holds none. It is
        # derived from the readable key, which the payload carries as `key`.
        self.assertRegex(msg_id or "", r"^msg_[0-9a-f]{32}$", "webhook-id is dot-free")
        self.assertEqual(msg_id, harness.webhook_id(key), "webhook-id")
        self.assertIsNotNone(ts, "webhook-timestamp missing")
        self.assertRegex(ts, r"^\d+$", "webhook-timestamp is unix seconds")
        self.assertLess(abs(int(ts) - time.time()), 60, f"webhook-timestamp {ts} vs now")
        self.assertIsNotNone(sig, "webhook-signature missing")
        expected = harness.standard_webhook_signature(self.secret, msg_id, ts, req.body)
        candidates = sig.split()
        for c in candidates:
            self.assertTrue(c.startswith("v1,"), f"signature {c!r} is not v1")
        self.assertTrue(any(hmac.compare_digest(c, expected) for c in candidates),
                        f"webhook-signature {sig!r} does not verify (expected {expected!r})")

        body = json.loads(req.body.decode("utf-8"))
        self.assertIsInstance(body, dict)
        for k in ("id", "type", "stage", "plan", "task", "unit", "due", "subject", "text",
                  "late"):
            self.assertIn(k, body, f"JSON key {k!r} missing: {body}")
        self.assertEqual(body["id"], msg_id)
        self.assertEqual(body["key"], key, "the readable key is the payload's key")
        self.assertEqual(body["type"], "reminder")
        self.assertEqual(body["stage"], "2h")
        self.assertEqual(body["plan"], "p1")
        self.assertEqual(body["task"], "quan-trac")
        self.assertEqual(body["unit"], "phong-a")
        body_due = dt.datetime.fromisoformat(body["due"])
        self.assertIsNotNone(body_due.tzinfo, f"due without offset: {body['due']!r}")
        self.assertEqual(body_due, due, f"due {body['due']!r}")
        self.assertIsInstance(body["subject"], str)
        self.assertIn(TITLE, body["subject"])
        self.assertIsInstance(body["text"], str)
        self.assertIn(TITLE, body["text"])
        self.assertIs(body["late"], False)
        return body

    def test_signed_post(self):
        sink = self.http_sink()
        due = harness.due_firing_in(4)
        d = self.setup_daemon(sink, due)
        sink.wait_count(1, 20, daemons=[d])
        harness.assert_holds(lambda: sink.count() == 1, 3, desc="exactly one POST")
        self.check_request(sink.requests[0], due,
                           harness.reminder_key("p1", "quan-trac", due, "2h", "phong-a"))
        d.stop()

    def test_retry_after_server_error(self):
        sink = self.http_sink(statuses=[500])
        due = harness.due_firing_in(3)
        d = self.setup_daemon(sink, due)
        key = harness.reminder_key("p1", "quan-trac", due, "2h", "phong-a")
        sink.wait_count(1, 20, daemons=[d])
        # retry_initial = "1s"; tolerate a daemon that still waits ~30 s.
        sink.wait_count(2, 36, daemons=[d])
        harness.assert_holds(lambda: sink.count() == 2, 3,
                             desc="no further POST after a 200")
        first, second = sink.requests
        self.assertEqual(first.status, 500)
        self.assertEqual(second.status, 200)
        self.assertEqual(first.header("webhook-id"), second.header("webhook-id"),
                         "a retry keeps the webhook-id")
        self.check_request(first, due, key)
        self.check_request(second, due, key)
        d.stop()


if __name__ == "__main__":
    harness.main()
