#!/usr/bin/python3
"""Webhook receivers that push back: Retry-After, 410 Gone, a slow answer, a secret in the url.

Proves, against real HTTP receivers on loopback:
- a 503 with `Retry-After: 3` and a 429 with an HTTP-date 4 s ahead are each tried again
  after the wait they ask for, not after retry_initial (1 s);
- a 410 disables the webhook: the next reminder is not POSTed, the Office gets one report
  saying the channel is stopped, /metrics shows deadlined_channel_disabled 1 and the status
  page lists it; a reload that changes the webhook's url enables it again, and the reminder
  it missed goes to the new url;
- a receiver that answers after 12 s is within the default timeout (15 s): one POST,
  delivered;
- a token in the webhook url's query reaches the receiver but never the log, `preview`,
  `send-test` or the failure report.
"""

import base64
import datetime as dt
import email.utils
import http.client
import os
import time

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

OFFICE = {"name": "Văn phòng Sở", "email": [FROM_ADDR]}


class WebhookReceiversTest(DaemonTestCase):

    def config(self, webhook: dict, *, http: bool = False, **service) -> None:
        text = harness.main_config_text(
            service=harness.service_section(monitor="vp", retry_initial="1s", retry_max="1s",
                                            **service),
            email_={"transport": "maildir", "from": FROM_HEADER, "maildir": "outbox"},
            webhooks={"hook": webhook},
            units={"vp": OFFICE, "phong-a": {"name": "Phòng A", "webhooks": ["hook"]}})
        if http:
            self.admin = base64.urlsafe_b64encode(os.urandom(24)).decode().rstrip("=")
            text += "\n" + harness.toml_table("http", {
                "listen": f"127.0.0.1:{self.port}",
                "secret_file": str(self.ws.write("link.key", base64.urlsafe_b64encode(
                    os.urandom(30)).decode() + "\n")),
                "admin_token_file": str(self.ws.write("admin.token", self.admin + "\n"))})
        self.ws.write_config(text)

    def plan(self, *dues) -> list:
        tasks = [{"id": f"viec-{i}", "title": f"Việc thứ {i}", "responsible": ["phong-a"],
                  "due": due, "leads": ["2h"]} for i, due in enumerate(dues, 1)]
        self.ws.write_plan("p1.toml", harness.plan_text(harness.default_plan("p1"), tasks))
        return [harness.reminder_key("p1", f"viec-{i}", due, "2h", "phong-a")
                for i, due in enumerate(dues, 1)]

    def get(self, path: str, auth: bool = False) -> tuple:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            headers = {"Authorization": f"Bearer {self.admin}"} if auth else {}
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.read().decode()
        finally:
            conn.close()

    def office_reports(self) -> list:
        return [m for m in harness.outbox_mails_to(self.ws.state_dir, FROM_ADDR)
                if str(m["X-Deadlined-Report"] or "").strip() == "delivery-failure"]

    def test_retry_after_seconds_and_http_date(self):
        def reply_headers(request):
            if request.status == 503:
                return [("Retry-After", "3")]
            if request.status == 429:
                return [("Retry-After", email.utils.formatdate(time.time() + 4, usegmt=True))]
            return []

        sink = self.http_sink(statuses=[503, 429], reply_headers=reply_headers)
        self.config({"url": sink.url("/hook")})
        (key,) = self.plan(harness.due_firing_in(2))
        d = self.start_daemon()
        reqs = sink.wait_count(3, 30, daemons=[d])
        self.assertEqual([r.status for r in reqs], [503, 429, 200])
        self.assertEqual(sink.keys(), [key] * 3)
        gaps = [b.received_at - a.received_at for a, b in zip(reqs, reqs[1:])]
        # retry_initial and retry_max are 1 s: without Retry-After each gap is about 1 s.
        self.assertGreater(gaps[0], 2.5, f"Retry-After: 3 (seconds); gaps {gaps}")
        self.assertLess(gaps[0], 6.0, f"gaps {gaps}")
        self.assertGreater(gaps[1], 2.5, f"Retry-After: an HTTP-date 4 s ahead; gaps {gaps}")
        self.assertLess(gaps[1], 7.0, f"gaps {gaps}")
        harness.assert_holds(lambda: sink.count() == 3, 2, desc="nothing after the 200")
        log = d.log()
        self.assertTrue(harness.log_lines(log, "warning", key, "Retry-After 3s"), log)
        d.stop()

    def test_410_disables_the_webhook_until_its_config_changes(self):
        self.port = harness.free_port()
        gone = self.http_sink(status=410)
        moved = self.http_sink()
        self.config({"url": gone.url("/hook")}, http=True)
        k1, k2 = self.plan(harness.due_firing_in(2), harness.due_firing_in(6))
        d = self.start_daemon()
        gone.wait_count(1, 15, daemons=[d])
        harness.wait_until(self.office_reports, 10, daemons=[d], desc="the Office's report")
        # The second reminder comes due 4 s after the first: it must not be POSTed.
        harness.assert_holds(lambda: gone.count() == 1, 7,
                             desc="nothing more to an endpoint that answered 410")
        self.assertEqual(gone.keys(), [k1])
        reports = self.office_reports()
        self.assertEqual(len(reports), 1, "the Office is told once")
        body = harness.text_body(reports[0])
        self.assertIn("HTTP 410", body)
        self.assertIn("đã ngừng gửi tới kênh webhook:hook", body)
        self.assertTrue(harness.log_lines(d.log(), "info", k2, "disabled"), d.log())

        status, metrics = self.get("/metrics")
        self.assertEqual(status, 200)
        self.assertIn('deadlined_channel_disabled{channel="webhook:hook"} 1', metrics)
        status, page = self.get("/status", auth=True)
        self.assertEqual(status, 200)
        self.assertIn("Kênh đã ngừng gửi", page)
        self.assertIn("webhook:hook", page)

        # A reload that changes the url enables the channel; the reminder it missed goes out.
        self.config({"url": moved.url("/v2")}, http=True)
        d.reload()
        moved.wait_count(1, 15, daemons=[d])
        self.assertEqual(moved.keys(), [k2])
        harness.wait_until(lambda: 'deadlined_channel_disabled{channel="webhook:hook"} 0'
                           in self.get("/metrics")[1], 10, daemons=[d],
                           desc="the channel enabled in /metrics")
        self.assertEqual(gone.count(), 1)
        d.stop()

    def test_slow_receiver_within_the_default_timeout(self):
        sink = self.http_sink(delay=12.0)
        self.config({"url": sink.url("/hook")})  # no timeout: the default
        (key,) = self.plan(harness.due_firing_in(2))
        d = self.start_daemon()
        sink.wait_count(1, 15, daemons=[d])

        def delivered():
            row = harness.journal_rows(self.ws.state_dir).get(
                harness.webhook_journal_key(key, "hook"))
            return row and row["state"] == "delivered"

        harness.wait_until(delivered, 20, daemons=[d], desc="delivered after 12 s")
        self.assertEqual(sink.count(), 1, "no retry: 12 s is within the 15 s default")
        d.stop()

    def test_a_token_in_the_url_is_never_shown(self):
        token = "SeCrEt" + base64.b16encode(os.urandom(8)).decode()
        sink = self.http_sink(status=404)
        url = sink.url("/v1/spaces/AAA/messages") + f"?key=k3y&token={token}"
        self.config({"url": url})
        (key,) = self.plan(harness.due_firing_in(2))
        shown = sink.url("/v1/spaces/AAA/messages") + "?REDACTED"
        today = harness.now_utc().astimezone(harness.VN_TZ).date()
        window = ["--from", today.isoformat(), "--to", (today + dt.timedelta(days=1)).isoformat()]
        for args in (["preview", "--config", self.ws.config_path] + window,
                     ["send-test", "--config", self.ws.config_path, "--unit", "phong-a"]):
            out = harness.run_cli(args)
            text = out.stdout.decode() + out.stderr.decode()
            self.assertNotIn(token, text, f"{args[0]} shows the token:\n{text}")
            self.assertIn(shown, text, f"{args[0]} names the endpoint:\n{text}")
        self.assertTrue(sink.requests[0].path.endswith(f"token={token}"),
                        "the receiver gets the url as configured")
        d = self.start_daemon()
        harness.wait_until(lambda: len(self.office_reports()) >= 1, 15, daemons=[d],
                           desc="the Office's report")
        reports = self.office_reports()
        self.assertEqual(harness.webhook_key_of(sink.requests[-1]), key)
        d.stop()
        for report in reports:
            self.assertNotIn(token, str(report["Subject"]))
            self.assertNotIn(token, harness.text_body(report))
            self.assertIn(shown, harness.text_body(report))
        self.assertNotIn(token, d.log())


if __name__ == "__main__":
    harness.main()
