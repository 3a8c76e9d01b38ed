#!/usr/bin/python3
"""Webhook receivers that accept the request and never answer.

Proves: the webhook `timeout = "2s"` bounds each attempt (the daemon closes the connection
after ~2 s) and a timeout is retryable (a second attempt with the same webhook-id follows
within ~10 s of the reminder's time). Meanwhile an email reminder (to the unit and the
Office) and a reminder to a healthy webhook, due at the same instant, arrive within 3 s of
their time, although another webhook ("slow", timeout 10s) also hangs on 12 reminders due
then: more than a small worker pool, so without a per-channel cap they would hold every
worker. SIGTERM with hanging deliveries in flight still exits 0 (5 s grace, then abort).
"""

import datetime as dt
import time

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

UNIT_A = "a@stnmt.example.gov.vn"
PROMPT = 3.0  # seconds after the reminder's time
N_SLOW = 12


class HangingWebhookTest(DaemonTestCase):

    def test_hanging_receiver_times_out_and_blocks_nothing(self):
        smtp = self.smtp_sink()
        chat = self.http_sink()
        hang = harness.HangingHttpSink().start()
        self.addCleanup(hang.stop)
        due = harness.due_firing_in(3)
        fire = harness.monotonic_of(due - dt.timedelta(hours=2))
        slow_units = {f"phong-s{i:02d}": {"name": f"Phòng S{i:02d}", "webhooks": ["slow"]}
                      for i in range(N_SLOW)}
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(retry_initial="1s", retry_max="4s"),
            email_={"transport": "smtp", "from": FROM_HEADER, "url": smtp.url,
                    "timeout": "10s"},
            webhooks={"hang": {"url": hang.url("/hook"), "timeout": "2s"},
                      "slow": {"url": hang.url("/slow"), "timeout": "10s"},
                      "chat": {"url": chat.url("/hook"), "timeout": "5s"}},
            units={
                "van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                "phong-h": {"name": "Phòng H", "webhooks": ["hang"]},
                "phong-a": {"name": "Phòng A", "email": [UNIT_A]},
                "phong-c": {"name": "Phòng C", "webhooks": ["chat"]},
                **slow_units,
            }))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "treo", "title": "Báo cáo gửi tới máy chủ treo",
              "responsible": sorted(slow_units), "due": due, "leads": ["2h"]},
             {"id": "dong-thoi", "title": "Báo cáo đồng thời",
              "responsible": ["phong-h", "phong-a", "phong-c"], "due": due,
              "leads": ["2h"]}]))
        key = {u: harness.reminder_key("p1", "dong-thoi", due, "2h", u)
               for u in ("phong-h", "phong-a", "phong-c")}
        d = self.start_daemon()

        def hang_requests():
            return [r for r in hang.requests if r.path == "/hook"]

        # the others are prompt
        smtp.wait_count(2, fire + 10 - time.monotonic(), daemons=[d])
        chat.wait_count(1, fire + 10 - time.monotonic(), daemons=[d])
        self.check_per_recipient(smtp.mails, {f"<{key['phong-a']}@{harness.MAIL_DOMAIN}>":
                                              [UNIT_A, FROM_ADDR]})
        for m in smtp.mails:
            self.assertLess(m.received_at - fire, PROMPT,
                            f"email to {m.rcpt_tos} arrived {m.received_at - fire:.2f}s late")
        self.assertEqual(chat.keys(), [key["phong-c"]])
        self.assertLess(chat.requests[0].received_at - fire, PROMPT,
                        f"webhook 'chat' arrived {chat.requests[0].received_at - fire:.2f}s late")
        self.assertTrue(any(r.path == "/slow" for r in hang.requests),
                        "the 'slow' webhook was tried (and hangs) meanwhile")

        # the hanging one: timeout, then retry, same id
        harness.wait_until(lambda: len(hang_requests()) >= 2, fire + 10 - time.monotonic(),
                           daemons=[d], desc="two attempts at the hanging receiver")
        first, second = hang_requests()[:2]
        self.assertEqual([first.header("webhook-id"), second.header("webhook-id")],
                         [harness.webhook_id(key["phong-h"])] * 2, "a retry keeps the webhook-id")
        self.assertLess(first.received_at - fire, PROMPT, "first attempt on time")
        self.assertIsNotNone(first.closed_at, "the daemon closed the first attempt")
        held = first.closed_at - first.received_at
        self.assertTrue(1.5 <= held <= 4.0,
                        f"the first attempt was abandoned after {held:.2f}s (timeout 2s)")
        gap = second.received_at - first.received_at
        self.assertTrue(1.9 <= gap <= 7.0, f"second attempt {gap:.2f}s after the first")

        rows = harness.journal_rows(self.ws.state_dir)
        row = rows.get(harness.webhook_journal_key(key["phong-h"], "hang"))
        self.assertIsNotNone(row, f"journal row of the hanging delivery: {sorted(rows)}")
        self.assertEqual(row["state"], "pending", row)
        self.assertGreaterEqual(row["attempts"], 2, row)
        for k in (harness.smtp_journal_key(key["phong-a"], UNIT_A),
                  harness.smtp_journal_key(key["phong-a"], FROM_ADDR),
                  harness.webhook_journal_key(key["phong-c"], "chat")):
            self.assertEqual(rows.get(k, {}).get("state"), "delivered", f"{k}: {rows.get(k)}")

        self.assertEqual(smtp.count(), 2, "no other mail (a timeout is not reported)")
        self.assertEqual(chat.count(), 1, "no duplicate to 'chat'")
        print(f"\n[hanging] email +{max(m.received_at for m in smtp.mails) - fire:.2f}s, "
              f"chat +{chat.requests[0].received_at - fire:.2f}s, first attempt held "
              f"{held:.2f}s, retry after {gap:.2f}s, "
              f"{sum(1 for r in hang.requests if r.path == '/slow')} requests to 'slow'")
        d.stop(timeout=12)


if __name__ == "__main__":
    harness.main()
