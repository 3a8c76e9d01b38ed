#!/usr/bin/python3
"""Secrets stay secret: SMTP password (password_env), webhook keys (secret_env, secret_file).

The config has an SMTP `username` + `password_env` (a random 32-character token), a webhook
with `secret_env` and another with `secret_file` (each `whsec_` + base64 of random bytes).
The aiosmtpd sink offers no AUTH, so the login is skipped or fails: the point is only where
the secret shows up.

Proves: none of the secret values — the password, both `whsec_...` strings, their base64 key
parts, and (in the binary files and bodies) the decoded key bytes — appears in the output
of `deadlined check` (stdout and stderr), in the daemon's log (run with --log-level debug),
in any file under state_dir (journal.sqlite and its -wal/-shm, scanned while the daemon runs
and again after it stopped), nor in any message received (every SMTP message, every webhook
request's headers and body). The secrets were really in use: each webhook request carries a
valid Standard Webhooks signature made with its key. The state directory is mode 0700 and
journal.sqlite mode 0600.
"""

import base64
import os
import secrets
import stat
import string

import harness
from harness import FROM_ADDR, FROM_HEADER, DaemonTestCase

UNIT_A = "a@stnmt.example.gov.vn"
ALPHABET = string.ascii_letters + string.digits


class SecretsTest(DaemonTestCase):

    def needles(self):
        """{description: bytes} of every form of every secret."""
        out = {"SMTP password": self.password.encode()}
        for name, whsec in (("secret_env", self.secret_a), ("secret_file", self.secret_b)):
            out[f"{name} whsec_ string"] = whsec.encode()
            out[f"{name} base64 key"] = whsec[len("whsec_"):].encode()
            out[f"{name} decoded key bytes"] = base64.b64decode(whsec[len("whsec_"):])
        return out

    def assert_clean(self, where, data: bytes):
        for what, needle in self.needles().items():
            self.assertNotIn(needle, data, f"the {what} appears in {where}")

    def state_files(self):
        return sorted(p for p in self.ws.state_dir.rglob("*") if p.is_file())

    def scan_state_dir(self, when):
        files = self.state_files()
        self.assertTrue(any(p.name == "journal.sqlite" for p in files),
                        f"journal.sqlite under state_dir: {files}")
        scanned = []
        for p in files:
            try:
                data = p.read_bytes()
            except FileNotFoundError:  # a -wal/-shm removed meanwhile
                continue
            try:
                mode = f"{stat.S_IMODE(p.stat().st_mode):o}"
            except FileNotFoundError:
                mode = "gone"
            scanned.append(f"{p.relative_to(self.ws.state_dir)} ({mode})")
            self.assert_clean(f"{p.relative_to(self.ws.root)} ({when})", data)
        return scanned

    def test_secrets_do_not_leak(self):
        self.password = "".join(secrets.choice(ALPHABET) for _ in range(32))
        self.secret_a = "whsec_" + base64.b64encode(os.urandom(32)).decode("ascii")
        self.secret_b = "whsec_" + base64.b64encode(os.urandom(32)).decode("ascii")
        secret_file = self.ws.write("secrets/hook-b.key", self.secret_b + "\n")
        os.chmod(secret_file, 0o600)
        env = {"DL_IT_SMTP_PASSWORD": self.password, "DL_IT_HOOK_A_SECRET": self.secret_a}

        smtp = self.smtp_sink()
        hooks = self.http_sink()
        due = harness.due_firing_in(4)
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(retry_initial="1s", retry_max="4s"),
            email_={"transport": "smtp", "from": FROM_HEADER, "url": smtp.url,
                    "username": "vanphong", "password_env": "DL_IT_SMTP_PASSWORD",
                    # The sink has no TLS (and offers no AUTH): mail goes out, without the
                    # password, as before credentials came to require TLS.
                    "allow_cleartext_auth": True, "timeout": "10s"},
            webhooks={"ha": {"url": hooks.url("/a"), "secret_env": "DL_IT_HOOK_A_SECRET",
                             "timeout": "5s"},
                      "hb": {"url": hooks.url("/b"), "secret_file": "secrets/hook-b.key",
                             "timeout": "5s"}},
            units={
                "van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                "phong-a": {"name": "Phòng A", "email": [UNIT_A], "webhooks": ["ha", "hb"]},
            }))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "bi-mat", "title": "Báo cáo có khóa bí mật", "responsible": ["phong-a"],
              "due": due, "leads": ["2h"]}]))
        key = harness.reminder_key("p1", "bi-mat", due, "2h", "phong-a")
        jkeys = {harness.smtp_journal_key(key, UNIT_A), harness.smtp_journal_key(key, FROM_ADDR),
                 harness.webhook_journal_key(key, "ha"), harness.webhook_journal_key(key, "hb")}

        # check
        check = harness.run_cli(["check", "--config", self.ws.config_path], env=env)
        check_out = check.stdout + check.stderr
        self.assert_clean("`deadlined check` output", check_out)

        # run until every channel has been attempted
        d = harness.start_daemon_with_args(self, env=env, extra_args=["--log-level", "debug"])

        def attempted():
            rows = harness.journal_rows(self.ws.state_dir)
            return all(k in rows and rows[k]["attempts"] >= 1 and
                       (rows[k]["state"] != "pending" or rows[k]["last_error"])
                       for k in jkeys) and rows

        rows = harness.wait_until(attempted, 20, daemons=[d],
                                  desc="an outcome for every delivery (2 emails, 2 webhooks)")
        hooks.wait_count(2, 5, daemons=[d])
        running_files = self.scan_state_dir("daemon running")
        d.stop(timeout=12)
        stopped_files = self.scan_state_dir("daemon stopped")

        self.assert_clean("the daemon's log", d.log_path.read_bytes())
        for m in smtp.mails:
            self.assert_clean(f"the mail to {m.rcpt_tos} ({m.message_id})", m.raw)
        for r in hooks.requests:
            head = "\r\n".join(f"{k}: {v}" for k, v in r.headers).encode()
            self.assert_clean(f"webhook request {r.path} headers", head)
            self.assert_clean(f"webhook request {r.path} body", r.body)

        # the secrets were in use: valid signatures with each key
        by_path = {r.path: r for r in hooks.requests}
        self.assertEqual(sorted(by_path), ["/a", "/b"], [r.path for r in hooks.requests])
        for path, secret in (("/a", self.secret_a), ("/b", self.secret_b)):
            r = by_path[path]
            want = harness.standard_webhook_signature(secret, r.header("webhook-id"),
                                                      r.header("webhook-timestamp"), r.body)
            self.assertIn(want, (r.header("webhook-signature") or "").split(" "),
                          f"signature of {path} made with its configured key")

        # modes
        sd_mode = stat.S_IMODE(os.stat(self.ws.state_dir).st_mode)
        j_mode = stat.S_IMODE(os.stat(self.ws.state_dir / "journal.sqlite").st_mode)
        self.assertEqual(sd_mode, 0o700, f"state_dir mode {sd_mode:o}")
        self.assertEqual(j_mode, 0o600, f"journal.sqlite mode {j_mode:o}")

        outcome = {k.split("/", 1)[1]: (v["state"], v["attempts"], v["last_error"])
                   for k, v in rows.items() if k in jkeys}
        print(f"\n[secrets] check exit {check.returncode}; state files (mode) while running "
              f"{running_files}, after stop {stopped_files}; {len(smtp.mails)} mail(s), "
              f"{hooks.count()} webhook request(s); outcomes {outcome}")


if __name__ == "__main__":
    harness.main()
