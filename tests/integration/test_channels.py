#!/usr/bin/python3
"""Webhook presets against fakes of the providers' published APIs (tests/integration/fakes.py).

Proves:
(a) `send-test` reaches each preset's fake (zalo-zns, esms, speedsms, google-chat,
    teams-workflow, slack, mattermost) with a request the fake's contract check accepts, shows
    the provider's answer and never a secret;
(b) one daemon, 28 webhooks (each preset x success / retryable / permanent / HTTP 200 with an
    error body): `history --format json` records delivered; retry then delivered; failed;
    failed, and a failed delivery is not tried again;
(c) Zalo tokens: the access token expires, the daemon refreshes it once however many sends
    wait; after SIGTERM and a restart it goes on with the refresh token it stored (the first
    one, in refresh_token_file, is used up: the fake proves it is never presented again); no
    token appears in the log;
(d) a custom webhook's body template is rendered with JSON escaping;
(e) `rate = "20/s"`: 200 reminders at once arrive exactly once each, never more than 20 in
    any second;
(f) `check` refuses bad phone numbers and broken body templates with `file:line:col`.

Assumptions about the CLI that the source could not confirm yet (the presets are being
written): marked "ASSUMPTION" where they are made.
"""

import json
import os
import re

import fakes
import harness
from harness import FROM_HEADER, DaemonTestCase, Raw

TITLE = "Báo cáo kết quả thực hiện công tác cải cách hành chính quý IV"
PHONES = ["0912 345 678", "091.234.5679", "+84 912 345 680", "0987654321", "0356789012"]
PHONES_84 = ["84912345678", "84912345679", "84912345680", "84987654321", "84356789012"]
TEMPLATE_DATA = Raw('{ don_vi = "{{unit_name}}", nhiem_vu = "{{task_title}}", '
                    'han = "{{due_date}}" }')
ZNS_PARAMS = ("don_vi", "nhiem_vu", "han")
OUTCOME_OF = {"delivered": ["delivered"], "failed": ["failed"]}


def sends_ok(fake):
    """The send requests a Zalo fake answered with error 0."""
    out = []
    for r in fake.requests:
        if r.path == fake.SEND_PATH and r.status == 200:
            try:
                if json.loads(r.answer).get("error") == 0:
                    out.append(r)
            except ValueError:
                pass
    return out


class ChannelsTest(DaemonTestCase):

    # -- building configs

    def fake(self, cls, **kwargs):
        f = fakes.start(cls, **kwargs)
        self.addCleanup(f.close)
        return f

    def secret_file(self, name, value):
        path = self.ws.write(f"secrets/{name}", value + "\n")
        os.chmod(path, 0o600)
        return str(path)

    def preset_webhook(self, name, fake):
        """(the [webhooks.NAME] table, env, secrets that must never be shown) for `fake`."""
        env, hidden = {}, []
        if isinstance(fake, fakes.ZaloZnsFake):
            table = {"preset": "zalo-zns", "url": fake.url, "token_url": fake.token_url,
                     "app_id": fake.app_id,
                     "secret_key_file": self.secret_file(f"{name}.secret", fake.secret_key),
                     "refresh_token_file": self.secret_file(f"{name}.refresh",
                                                            fake.first_refresh_token),
                     "template_id": fake.template_id, "template_data": TEMPLATE_DATA}
            hidden = [fake.secret_key, fake.first_refresh_token]
        elif isinstance(fake, fakes.EsmsFake):
            key_env, secret_env = f"DL_IT_{name.upper()}_KEY", f"DL_IT_{name.upper()}_SECRET"
            env = {key_env: fake.api_key, secret_env: fake.secret_key}
            table = {"preset": "esms", "url": fake.url, "api_key_env": key_env,
                     "secret_key_env": secret_env, "brandname": fake.brandname,
                     "unicode": False}
            hidden = [fake.api_key, fake.secret_key]
        elif isinstance(fake, fakes.SpeedSmsFake):
            # ASSUMPTION: speedsms takes its access token as api_key_env, its sender as
            # brandname and its sms_type as sms_type (config::WebhookConfig has these).
            key_env = f"DL_IT_{name.upper()}_TOKEN"
            env = {key_env: fake.access_token}
            table = {"preset": "speedsms", "url": fake.url, "api_key_env": key_env,
                     "brandname": fake.sender, "sms_type": "3", "unicode": False}
            hidden = [fake.access_token]
        else:
            preset = {fakes.GoogleChatFake: "google-chat",
                      fakes.TeamsWorkflowFake: "teams-workflow",
                      fakes.SlackFake: "slack", fakes.MattermostFake: "mattermost"}[type(fake)]
            table = {"preset": preset, "url": fake.url}
            hidden = []
            # A webhook URL is its own credential ("treat this endpoint as a secret"); checked
            # by test_send_test_hides_url_credentials, apart from the keys above.
            self.url_secrets = {fakes.GoogleChatFake: lambda: [fake.key, fake.token],
                      fakes.TeamsWorkflowFake: lambda: [fake.sig],
                      fakes.SlackFake: lambda: [fake.hook.split("/")[-1]],
                      fakes.MattermostFake: lambda: [fake.key]}[type(fake)]()
        return table, env, hidden

    def test_send_test_hides_url_credentials(self):
        # The token of a chat webhook is in its URL (Slack, Mattermost: in the path; Google
        # Chat: key and token; Teams: sig). The providers call the URL a secret, so send-test
        # shows the host, never the token.
        for cls in (fakes.GoogleChatFake, fakes.TeamsWorkflowFake, fakes.SlackFake,
                    fakes.MattermostFake):
            with self.subTest(preset=cls.preset):
                f = self.fake(cls)
                table, _, _ = self.preset_webhook("chat", f)
                units = {"phong-a": {"name": "Phòng A", "webhooks": ["chat"]}}
                self.write({"chat": table}, units,
                           [self.task("t1", harness.due_firing_in(3600), units)])
                r = harness.run_cli(["send-test", "--config", self.ws.config_path, "--unit",
                                     "phong-a"])
                out = r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")
                self.assertEqual(r.returncode, 0, out)
                self.assertEqual(f.violations, [])
                self.assert_no_secret(out, self.url_secrets, f"send-test output of {cls.preset}")

    def write(self, webhooks, units, tasks, **service):
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(monitor=None, retry_initial="1s", retry_max="2s",
                                            **service),
            email_={"transport": "maildir", "from": FROM_HEADER, "maildir": "outbox"},
            webhooks=webhooks, units=units))
        self.ws.write_plan("p1.toml", harness.plan_text(harness.default_plan("p1"), tasks))

    @staticmethod
    def task(tid, due, units, title=TITLE):
        return {"id": tid, "title": title, "responsible": sorted(units), "due": due,
                "leads": ["2h"]}

    def history(self, env=None):
        r = harness.run_cli(["history", "-c", self.ws.config_path, "--format", "json"], env=env)
        if r.returncode != 0:
            return []
        return json.loads(r.stdout)

    def assert_no_secret(self, text, hidden, what):
        for s in hidden:
            self.assertNotIn(s, text, f"a secret ({s[:4]}…) appears in {what}:\n{text}")

    # -- (a) send-test per preset

    def test_send_test_reaches_each_preset(self):
        zalo = self.fake(fakes.ZaloZnsFake, template_params=ZNS_PARAMS)
        fs = {"zalo": zalo, "sms": self.fake(fakes.EsmsFake),
              "speed": self.fake(fakes.SpeedSmsFake), "gchat": self.fake(fakes.GoogleChatFake),
              "teams": self.fake(fakes.TeamsWorkflowFake), "slack": self.fake(fakes.SlackFake),
              "mm": self.fake(fakes.MattermostFake)}
        webhooks, env, hidden = {}, {}, {}
        for name, f in fs.items():
            webhooks[name], e, hidden[name] = self.preset_webhook(name, f)
            env.update(e)
        units = {f"u-{name}": {"name": f"Phòng {name}", "webhooks": [name],
                               "phone": [PHONES[0]]} for name in fs}
        self.write(webhooks, units, [self.task("t1", harness.due_firing_in(3600), units)])

        for name, f in fs.items():
            with self.subTest(preset=f.preset):
                r = harness.run_cli(["send-test", "--config", self.ws.config_path, "--unit",
                                     f"u-{name}"], env=env)
                out = r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")
                self.assertEqual(r.returncode, 0, out)
                sends = [q for q in f.requests
                         if not isinstance(f, fakes.ZaloZnsFake) or q.path == f.SEND_PATH]
                self.assertGreaterEqual(len(sends), 1, f"{f.preset}: nothing reached the fake")
                self.assertEqual(f.violations, [], f"{f.preset}: contract violations\n{out}")
                last = sends[-1]
                self.assertIn(last.status, (200, 202), f"{f.preset} answered {last.answer!r}")
                # ASSUMPTION: send-test prints the provider's answer: its HTTP status and a
                # distinctive part of the body (message id, SMSID, tranId, message name).
                answer = json.loads(last.answer) if last.answer[:1] == b"{" else None
                distinctive = {
                    "zalo-zns": lambda: answer["data"]["msg_id"],
                    "esms": lambda: answer["SMSID"],
                    "speedsms": lambda: str(answer["data"]["tranId"]),
                    "google-chat": lambda: answer["name"],
                    "teams-workflow": lambda: "202",
                    "slack": lambda: "ok",
                    "mattermost": lambda: "ok"}[f.preset]()
                self.assertIn(distinctive, out, f"{f.preset}: the provider's answer not shown")
                self.assertIn(str(last.status), out, f"{f.preset}: the HTTP status not shown")
                secret = hidden[name] + (zalo.issued_tokens() if f is zalo else [])
                self.assert_no_secret(out, secret, f"send-test output of {f.preset}")
                if f.preset in ("zalo-zns", "esms", "speedsms"):
                    body = last.body
                    got = {"zalo-zns": lambda: body["phone"], "esms": lambda: body["Phone"],
                           "speedsms": lambda: body["to"][0]}[f.preset]()
                    self.assertEqual(got, PHONES_84[0], "the phone as 84 and 9 digits")
                if f is zalo:
                    # A test message names the unit; it has no task, so task_title may be "".
                    self.assertEqual(body["template_data"]["don_vi"], "Phòng zalo")

    # -- (b) classification

    def test_outcomes_of_each_preset(self):
        classes = [fakes.ZaloZnsFake, fakes.EsmsFake, fakes.SpeedSmsFake,
                   fakes.GoogleChatFake, fakes.TeamsWorkflowFake, fakes.SlackFake,
                   fakes.MattermostFake]
        webhooks, units, env, cases = {}, {}, {}, []
        for ci, cls in enumerate(classes):
            for kind in fakes.KINDS:
                kwargs = {"template_params": ZNS_PARAMS} if cls is fakes.ZaloZnsFake else {}
                f = self.fake(cls, **kwargs)
                if kind == "retryable":
                    f.script("retryable")  # once, then success
                elif kind != "ok":
                    f.default = kind  # every answer
                name = f"h{ci}-{kind.replace('_', '-')}"
                webhooks[name], e, _ = self.preset_webhook(name, f)
                env.update(e)
                unit = f"u{ci}-{kind.replace('_', '-')}"
                units[unit] = {"name": f"Đơn vị {unit}", "webhooks": [name],
                               "phone": [PHONES[ci % len(PHONES)]]}
                cases.append((cls.preset, kind, f, name, unit))
        due = harness.due_firing_in(3)
        self.write(webhooks, units, [self.task("phan-loai", due, units)])
        d = self.start_daemon(env=env)

        def outcomes(rows, unit, name):
            return [r["outcome"] for r in rows
                    if r["unit"] == unit and r["channel"] == f"webhook:{name}"]

        def settled():
            rows = self.history(env)
            for _, kind, f, name, unit in cases:
                got = outcomes(rows, unit, name)
                want_last = "delivered" if f.EXPECTED[kind] in ("delivered", "retry") else "failed"
                if not got or got[-1] != want_last:
                    return None
            return rows

        try:
            harness.wait_until(settled, 40, interval=1.0, daemons=[d],
                               desc="every delivery settled")
        except AssertionError:
            rows = self.history(env)
            lines = [f"{p} {k}: history {outcomes(rows, u, n)}, answers "
                     f"{[(q.path, q.status, q.answer[:80]) for q in f.requests]}, "
                     f"violations {f.violations}" for p, k, f, n, u in cases]
            raise AssertionError("not settled:\n" + "\n".join(lines) + "\n" + d.log()[-3000:])
        total = sum(f.count() for _, _, f, _, _ in cases)
        # retry_initial 1s: a wrong retry of a failed delivery would come within this
        harness.assert_holds(lambda: sum(f.count() for _, _, f, _, _ in cases) == total, 2.5,
                             desc="no request after every delivery settled")
        rows = self.history(env)
        for preset, kind, f, name, unit in cases:
            with self.subTest(preset=preset, answer=kind):
                got = outcomes(rows, unit, name)
                key = harness.reminder_key("p1", "phan-loai", due, "2h", unit)
                self.assertTrue(all(r["key"] == key for r in rows
                                    if r["unit"] == unit and r["channel"] == f"webhook:{name}"))
                expected = f.EXPECTED[kind]
                if expected == "retry":
                    self.assertGreaterEqual(len(got), 2, got)
                    self.assertEqual(got, ["retry"] * (len(got) - 1) + ["delivered"], got)
                    err = [r["error"] for r in rows if r["unit"] == unit
                           and r["outcome"] == "retry"][0]
                    self.assertTrue(err, "a retry records the provider's reason")
                else:
                    self.assertEqual(got, OUTCOME_OF[expected], got)
                sends = [q for q in f.requests
                         if not isinstance(f, fakes.ZaloZnsFake) or q.path == f.SEND_PATH]
                if expected == "failed":
                    self.assertEqual(len(sends), 1, f"a permanent failure is not tried again: "
                                                    f"{[q.answer for q in sends]}")
                self.assertEqual(f.violations, [], f"contract violations\n{d.log()}")
        d.stop()

    # -- (c) Zalo token rotation across a restart

    def test_zalo_token_refresh_survives_restart(self):
        zalo = self.fake(fakes.ZaloZnsFake, template_params=ZNS_PARAMS, refresh_delay=0.5)
        table, env, hidden = self.preset_webhook("zalo", zalo)
        units = {f"z{i}": {"name": f"Phòng {i}", "webhooks": ["zalo"], "phone": [PHONES[i]]}
                 for i in range(5)}
        due_a, due_b, due_c = (harness.due_firing_in(s) for s in (3, 12, 30))
        self.write({"zalo": table}, units,
                   [self.task("a", due_a, units, "Việc A"), self.task("b", due_b, units, "Việc B"),
                    self.task("c", due_c, units, "Việc C")])
        first = zalo.first_refresh_token
        d1 = self.start_daemon(env=env)

        harness.wait_until(lambda: len(sends_ok(zalo)) >= 5, 20, daemons=[d1],
                           desc="task a's five ZNS sends")
        self.assertEqual(zalo.refreshes, 1, "one refresh for the first access token")
        zalo.expire_access_token()
        harness.wait_until(lambda: len(sends_ok(zalo)) >= 10, 25, daemons=[d1],
                           desc="task b's five ZNS sends after the token expired")
        self.assertEqual(zalo.refreshes, 2, "five sends refused -124 make ONE refresh")
        self.assertEqual(zalo.max_refreshes_in_flight, 1, "never two refreshes at once")
        d1.stop()

        zalo.expire_access_token()
        d2 = self.start_daemon(env=env)
        harness.wait_until(lambda: len(sends_ok(zalo)) >= 15, 35, daemons=[d2],
                           desc="task c's five ZNS sends after a restart")
        harness.assert_holds(lambda: len(sends_ok(zalo)) == 15, 2, desc="no extra send")
        self.assertEqual(zalo.refreshes, 3, zalo.presented_refresh_tokens)
        self.assertEqual(zalo.max_refreshes_in_flight, 1)
        # The first refresh token was used up by the first refresh: presenting it again (as
        # re-reading refresh_token_file would) fails at the fake with -14014 and is recorded.
        self.assertEqual(zalo.presented_refresh_tokens.count(first), 1,
                         "the used-up refresh_token_file token was presented again")
        issued = [rt for _, rt in zalo.issued]
        self.assertEqual(zalo.presented_refresh_tokens, [first] + issued[:2],
                         "each refresh presents the token the previous one issued")
        self.assertEqual(zalo.violations, [])
        log = d1.log() + d2.log()
        self.assert_no_secret(log, hidden + zalo.issued_tokens(), "the daemon log")
        tracking = [r.body.get("tracking_id") for r in sends_ok(zalo)]
        tracking = [t for t in tracking if t is not None]
        self.assertEqual(len(set(tracking)), len(tracking), f"tracking_id per delivery: {tracking}")
        d2.stop()

    # -- (d) custom body template

    def test_custom_body_is_json_escaped(self):
        sink = self.fake(fakes.JsonCodeFake)
        name = 'Phòng "Kế hoạch"\nTài chính \\ ngân sách'
        webhooks = {"custom": {
            "url": sink.url, "content_type": "application/json",
            "body": Raw("'{\"msg\": \"{{short_text}}\", \"ref\": \"{{id}}\", "
                        "\"unit\": \"{{unit_name}}\", \"title\": \"{{task_title}}\"}'"),
            "success": Raw('{ json = "error", equals = 0 }'),
            "retryable": ["-1"], "permanent": ["-2"]}}
        units = {"phong-kh": {"name": name, "webhooks": ["custom"]}}
        self.write(webhooks, units, [self.task("t1", harness.due_firing_in(3600), units)])
        r = harness.run_cli(["send-test", "--config", self.ws.config_path, "--unit", "phong-kh"])
        out = r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")
        self.assertEqual(r.returncode, 0, out)
        sink.wait_count(1, 5)
        self.assertEqual(sink.violations, [], out)
        body = sink.requests[0].body
        self.assertEqual(body["unit"], name, "the unit name survives JSON escaping")
        self.assertIsInstance(body["title"], str)  # "" in a test message (no task)
        self.assertIsInstance(body["msg"], str)
        self.assertTrue(body["msg"] and body["ref"], body)

    # -- (e) rate limit

    def test_rate_limit_burst(self):
        n, per_second = 200, 20
        sink = self.fake(fakes.JsonCodeFake)
        webhooks = {"rl": {"url": sink.url, "content_type": "application/json",
                           "body": Raw("'{\"key\": \"{{key}}\", \"unit\": \"{{unit}}\"}'"),
                           "success": Raw('{ json = "error", equals = 0 }'),
                           "rate": f"{per_second}/s", "timeout": "10s"}}
        units = {f"w{i:03d}": {"name": f"Đơn vị {i:03d}", "webhooks": ["rl"]} for i in range(n)}
        due = harness.due_firing_in(3)
        self.write(webhooks, units, [self.task("dong-loat", due, units)])
        want = {harness.reminder_key("p1", "dong-loat", due, "2h", u) for u in units}
        d = self.start_daemon()
        sink.wait_count(n, 60)
        harness.assert_holds(lambda: sink.count() == n, 2, desc="no duplicate send")
        reqs = sink.requests
        keys = [q.body["key"] for q in reqs]
        self.assertEqual(sorted(keys), sorted(want), "every reminder exactly once, by key")
        worst = fakes.sliding_window_max(reqs, 1.0)
        self.assertLessEqual(worst, per_second,
                             f"{worst} requests within one second (rate {per_second}/s)")
        span = reqs[-1].received_at - reqs[0].received_at
        self.assertGreaterEqual(span, (n - per_second) / per_second - 0.5,
                                f"200 sends took only {span:.1f}s")
        self.assertEqual(sink.violations, [])
        d.stop(timeout=15)

    # -- (f) check: phones and templates

    def check_config(self, unit_extra=None, webhook_extra=None):
        sink_url = "http://127.0.0.1:9/hook"
        webhooks = {"sms": {"preset": "esms", "url": sink_url, "api_key_env": "DL_IT_K",
                            "secret_key_env": "DL_IT_S", "brandname": "STNMT",
                            "unicode": False}}
        webhooks["sms"].update(webhook_extra or {})
        unit = {"name": "Phòng A", "webhooks": ["sms"]}
        unit.update(unit_extra or {})
        self.write(webhooks, {"phong-a": unit},
                   [self.task("t1", harness.due_firing_in(3600), ["phong-a"])])
        text = self.ws.config_path.read_text(encoding="utf-8")
        return harness.run_cli(["check", "--config", self.ws.config_path],
                               env={"DL_IT_K": "k", "DL_IT_S": "s"}), text

    def assert_error_at(self, r, text, needle, words=()):
        err = r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")
        self.assertNotEqual(r.returncode, 0, err)
        line = next(i for i, l in enumerate(text.splitlines(), 1) if needle in l)
        found = [m for m in re.finditer(r"^(\S*?deadlined\.toml):(\d+):(\d+): error: (.*)$",
                                        err, re.M) if int(m.group(2)) == line]
        self.assertTrue(found, f"deadlined.toml:{line}:COL: error: ... not in:\n{err}")
        for w in words:
            self.assertTrue(any(w in m.group(4) for m in found), f"{w!r} not in {err}")

    def test_check_phone_numbers(self):
        for bad in ("0123 456 789", "091234567", "01234567890"):
            with self.subTest(phone=bad):
                r, text = self.check_config({"phone": [bad]})
                # ASSUMPTION: the message quotes the number as written.
                self.assert_error_at(r, text, "phone = ", [bad])
        for good in ("0912 345 678", "091.234.5678", "+84 912 345 678"):
            with self.subTest(phone=good):
                r, _ = self.check_config({"phone": [good]})
                self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))

    def test_check_template_errors(self):
        for body, word in (('{"a": "{{#x}}"}', "x"), ('{"a": "{{nope}}"}', "nope")):
            with self.subTest(body=body):
                r, text = self.check_config(webhook_extra={
                    "preset": None, "api_key_env": None, "secret_key_env": None,
                    "brandname": None, "unicode": None, "body": body,
                    "content_type": "application/json"})
                self.assert_error_at(r, text, "body = ", [word])


if __name__ == "__main__":
    harness.main()
