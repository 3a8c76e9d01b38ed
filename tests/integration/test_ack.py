#!/usr/bin/python3
"""Confirmation links ([http] section): signed /ack/TOKEN links in every reminder, the
confirmation page and its CSRF-protected form, forged/expired links, the confirmations
audit trail in the journal, no further reminders to a unit that has confirmed, the
`deadlined ack` / `reopen` commands, /healthz, /metrics and the HTTP error statuses.

Tokens are rebuilt here from the secret (plan.task.occurrence.unit.expires.mac, mac =
base64url of the first 16 bytes of HMAC-SHA256(secret, "ack:" + payload)) so forgery and
expiry are tested independently of the daemon's own signing code.
"""

import base64
import datetime as dt
import hashlib
import hmac
import html
import http.client
import os
import re
import time
import urllib.parse

import harness
from harness import FROM_HEADER, VN_TZ, DaemonTestCase

OFFICE = "vanphong@stnmt.example.gov.vn"
ADDR = {"phong-a": "a@stnmt.example.gov.vn", "phong-b": "b@stnmt.example.gov.vn"}
NAMES = {"phong-a": "Phòng Kế hoạch – Tài chính", "phong-b": "Phòng Quản lý đất đai"}
TITLE = 'Báo cáo <b>"quý"</b> & số liệu đất đai'
SECURITY_HEADERS = {"x-content-type-options": "nosniff", "x-frame-options": "DENY",
                    "cache-control": "no-store"}
LINK = re.compile(r"^(https?://\S+/ack/(\S+))$", re.M)


def sign(key: bytes, plan, task, occurrence, unit, expires) -> str:
    payload = f"{plan}.{task}.{occurrence}.{unit}.{expires}"
    mac = hmac.new(key, b"ack:" + payload.encode(), hashlib.sha256).digest()[:16]
    return payload + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


class AckTest(DaemonTestCase):

    # -- setup helpers

    def setup_daemon(self, offsets, *, http_extra=None, due_in=60):
        """Config with units phong-a, phong-b (responsible) and vp (monitor), one task whose
        stages fire `offsets` seconds from now; returns the started daemon."""
        self.port = harness.free_port()
        self.secret = base64.urlsafe_b64encode(os.urandom(30)).decode()
        secret_file = self.ws.write("link.key", "  " + self.secret + "\n")
        self.key = self.secret.encode()
        now = time.time()
        self.due = dt.datetime.fromtimestamp(int(now) + due_in, dt.timezone.utc).astimezone(VN_TZ)
        self.occ = self.due.strftime("%Y%m%d")
        leads = [f"{int(self.due.timestamp() - (now + off))}s" for off in offsets]
        units = {"vp": {"name": "Văn phòng Sở", "email": [OFFICE]}}
        units.update({u: {"name": NAMES[u], "email": [ADDR[u]]} for u in ADDR})
        http_cfg = {"listen": f"127.0.0.1:{self.port}", "secret_file": str(secret_file)}
        http_cfg.update({k: v.format(port=self.port) for k, v in (http_extra or {}).items()})
        self.public = http_cfg.get("public_url", f"http://127.0.0.1:{self.port}")
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(monitor="vp"),
            email_={"transport": "maildir", "from": FROM_HEADER, "maildir": "outbox"},
            units=units) + "\n" + harness.toml_table("http", http_cfg))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "bao-cao", "title": TITLE, "responsible": sorted(ADDR), "due": self.due,
              "leads": leads}]))
        d = self.start_daemon()
        harness.wait_until(lambda: self.try_get("/healthz") == 200, 10,
                           desc="the HTTP listener", daemons=[d])
        return d

    def try_get(self, path):
        try:
            return self.request("GET", path)[0]
        except OSError:
            return None

    def request(self, method, path, body=None, headers=None):
        """(status, {lower-case header: value}, body text) of one request to the daemon."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read().decode("utf-8", "replace")
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def checked(self, method, path, status, body=None, headers=None):
        got, hdrs, text = self.request(method, path, body, headers)
        self.assertEqual(got, status, f"{method} {path[:80]}: {text[:300]}")
        for name, value in SECURITY_HEADERS.items():
            self.assertEqual(hdrs.get(name), value, f"{name} on {method} {path[:40]} ({got})")
        self.assertIn("default-src 'none'", hdrs.get("content-security-policy", ""),
                      f"CSP on {method} {path[:40]} ({got})")
        return hdrs, text

    def post_form(self, path, fields, status, origin=None, extra=None):
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if origin:
            headers["Origin"] = origin
        headers.update(extra or {})
        return self.checked("POST", path, status, urllib.parse.urlencode(fields).encode(),
                            headers)

    # -- mail helpers

    def mails_to(self, unit):
        return harness.outbox_mails_to(self.ws.state_dir, ADDR[unit])

    def wait_mails(self, unit, n, timeout, d):
        return harness.wait_until(lambda: len(self.mails_to(unit)) >= n, timeout,
                                  desc=f"{n} reminder(s) to {unit}", daemons=[d])

    def link_of(self, msg):
        body = harness.text_body(msg).replace("\r\n", "\n")
        links = LINK.findall(body)
        self.assertEqual(len(links), 1, f"one bare link line in the body:\n{body}")
        # The Office gets the digest (on with chasing): it is copied on overdue notices only
        # ([service] monitor_cc defaults to "overdue").
        if str(msg["Subject"]).startswith("[Quá hạn]"):
            self.assertEqual([a.addr_spec for a in msg["Cc"].addresses], [OFFICE], "Cc")
        else:
            self.assertIsNone(msg["Cc"], "no copy of a reminder to the Office")
        return links[0]

    def csrf_of(self, page):
        m = re.search(r'<input[^>]*name="csrf"[^>]*>', page)
        self.assertIsNotNone(m, f"no csrf input in:\n{page}")
        v = re.search(r'value="([^"]*)"', m.group(0))
        self.assertIsNotNone(v, m.group(0))
        return html.unescape(v.group(1))

    def skip_lines(self, d, unit):
        return [l for l in harness.log_lines(d.log(), None, "skip", "has confirmed")
                if unit in l]

    # -- tests

    def test_link_confirms_and_stops_reminders(self):
        d = self.setup_daemon([4, 14, 24])
        self.wait_mails("phong-a", 1, 20, d)
        self.wait_mails("phong-b", 1, 20, d)
        url, token = self.link_of(self.mails_to("phong-a")[0])
        expires = int(self.due.timestamp()) + 30 * 86400
        self.assertEqual(url, f"{self.public}/ack/{token}", "link = public_url/ack/TOKEN")
        self.assertEqual(token, sign(self.key, "p1", "bao-cao", self.occ, "phong-a", expires),
                         "token signed as specified (default link_grace 30d)")
        _, b_token = self.link_of(self.mails_to("phong-b")[0])
        self.assertNotEqual(b_token, token, "each unit has its own link")
        path = f"/ack/{token}"

        hdrs, page = self.checked("GET", path, 200)
        self.assertIn("text/html", hdrs.get("content-type", ""))
        self.assertIn("&lt;b&gt;", page, "the title is HTML-escaped")
        self.assertNotIn("<b>", page, "no raw markup from the title")
        text = html.unescape(page)
        for want in (TITLE, NAMES["phong-a"], harness.vn_date(self.due)):
            self.assertIn(want, text, "page shows title, unit and deadline")
        self.assertRegex(page, r'<form[^>]*method="post"', "a POST form")
        self.assertRegex(page, r'<textarea[^>]*name="note"', "a note textarea")
        self.assertNotIn("Đã xác nhận hoàn thành", text)
        csrf = self.csrf_of(page)
        self.checked("GET", path, 200)
        self.assertEqual(harness.confirmations(self.ws.state_dir), [], "a GET records nothing")

        note = "Đã nộp báo cáo <i>số 5</i> ngày hôm nay"
        # trust_proxy is off by default: X-Forwarded-For must not be believed.
        hdrs, _ = self.post_form(path, {"csrf": csrf, "note": note}, 303, origin=self.public,
                                 extra={"X-Forwarded-For": "203.0.113.9"})
        self.assertEqual(hdrs.get("location"), f"{self.public}/ack/{token}", "303 Location")
        rows = harness.confirmations(self.ws.state_dir)
        self.assertEqual(len(rows), 1, rows)
        row = rows[0]
        self.assertEqual((row["plan"], row["task"], row["occurrence"], row["unit"],
                          row["action"], row["actor"], row["origin"], row["note"]),
                         ("p1", "bao-cao", self.occ, "phong-a", "confirm", "link",
                          "127.0.0.1", note))
        _, page = self.checked("GET", path, 200)
        self.assertIn("Đã xác nhận hoàn thành", html.unescape(page))
        self.assertIn(note, html.unescape(page), "the note is shown")
        self.assertIn("&lt;i&gt;", page, "the note is HTML-escaped")
        self.post_form(path, {"csrf": csrf, "note": "lần hai"}, 303, origin=self.public)
        self.assertEqual(len(harness.confirmations(self.ws.state_dir)), 1,
                         "a second POST adds no row")

        # Later stages: b is still reminded, a is not.
        self.assertEqual(len(self.mails_to("phong-a")), 1, "confirmed before stage 2")
        self.wait_mails("phong-b", 3, 40, d)
        harness.assert_holds(lambda: len(self.mails_to("phong-a")) == 1, 3,
                             desc="no further reminder to phong-a")
        self.assertGreaterEqual(len(self.skip_lines(d, "phong-a")), 2,
                                f"skip lines for phong-a (stages 2 and 3):\n{d.log()}")
        self.assertEqual(self.skip_lines(d, "phong-b"), [], "no skip for phong-b")
        d.stop()

    def test_forged_expired_and_csrf(self):
        d = self.setup_daemon([4], http_extra={"link_grace": "2d",
                                               "public_url": "http://localhost:{port}"})
        self.wait_mails("phong-a", 1, 20, d)
        url, token = self.link_of(self.mails_to("phong-a")[0])
        self.assertEqual(url, f"http://localhost:{self.port}/ack/{token}", "public_url is the base")
        expires = int(self.due.timestamp()) + 2 * 86400
        self.assertEqual(token, sign(self.key, "p1", "bao-cao", self.occ, "phong-a", expires),
                         "expires = deadline + link_grace")
        mac = token.rsplit(".", 1)[1]
        b_payload = f"p1.bao-cao.{self.occ}.phong-b.{expires}"
        flipped = ("B" if mac[0] == "A" else "A") + mac[1:]
        past = int(time.time()) - 3600
        cases = {
            "b's fields with a's mac": (f"{b_payload}.{mac}", 404),
            "one mac char changed": (token.rsplit(".", 1)[0] + "." + flipped, 404),
            "expired": (sign(self.key, "p1", "bao-cao", self.occ, "phong-a", past), 410),
            "another key": (sign(b"another-key-0123456789", "p1", "bao-cao", self.occ,
                                 "phong-a", expires), 404),
            "malformed": ("abc", 404),
            "unknown unit": (sign(self.key, "p1", "bao-cao", self.occ, "zz", expires), 404),
            "unknown task": (sign(self.key, "p1", "khac", self.occ, "phong-a", expires), 404),
            "unknown plan": (sign(self.key, "p9", "bao-cao", self.occ, "phong-a", expires), 404),
            "other day": (sign(self.key, "p1", "bao-cao", "20200101", "phong-a", expires), 404),
        }
        for what, (tok, status) in cases.items():
            with self.subTest(what):
                self.checked("GET", f"/ack/{tok}", status)
        self.checked("GET", f"/ack/{sign(self.key, 'p1', 'bao-cao', self.occ, 'phong-b', expires)}",
                     200)  # the properly signed b link works
        # A forged/expired token cannot be confirmed either, even with its "csrf".
        _, page = self.checked("GET", f"/ack/{token}", 200)
        csrf = self.csrf_of(page)
        self.post_form(f"/ack/{cases['expired'][0]}", {"csrf": csrf}, 410)
        self.post_form(f"/ack/{b_payload}.{mac}", {"csrf": csrf}, 404)

        path = f"/ack/{token}"
        self.post_form(path, {"note": "không có csrf"}, 403)
        self.post_form(path, {"csrf": csrf[:-1] + ("x" if csrf[-1] != "x" else "y")}, 403)
        self.post_form(path, {"csrf": ""}, 403)
        self.post_form(path, {"csrf": csrf}, 403, origin="http://evil.example")
        self.post_form(path, {"csrf": csrf}, 403, origin=f"http://localhost:{self.port + 1}")
        self.post_form(path, {"csrf": csrf}, 403, origin=f"http://127.0.0.1:{self.port}")
        self.assertEqual(harness.confirmations(self.ws.state_dir), [], "nothing recorded")
        self.checked("GET", path, 200)
        self.assertEqual(harness.confirmations(self.ws.state_dir), [], "still nothing after GETs")
        # The same csrf from the public origin does confirm (so the 403s above were real).
        self.post_form(path, {"csrf": csrf, "note": "x"}, 303, origin=self.public)
        self.assertEqual([r["action"] for r in harness.confirmations(self.ws.state_dir)],
                         ["confirm"])
        d.stop()

    def test_healthz_metrics_and_errors(self):
        d = self.setup_daemon([4, 12])
        hdrs, text = self.checked("GET", "/healthz", 200)
        self.assertEqual(text.strip(), "ok")

        def metrics():
            _, text = self.checked("GET", "/metrics", 200)
            values = {}
            for name in ('deadlined_deliveries_total{channel="email",outcome="delivered"}',
                         "deadlined_queue_size", "deadlined_journal_size_bytes"):
                m = re.search(r"^" + re.escape(name) + r" (\d+(?:\.\d+)?)$", text, re.M)
                values[name.split("{")[0]] = float(m.group(1)) if m else None
            return values, text

        self.wait_mails("phong-a", 1, 20, d)
        self.wait_mails("phong-b", 1, 20, d)
        # Outcomes are recorded (and counted) together, a moment after the sends.
        harness.wait_until(lambda: metrics()[0]["deadlined_deliveries_total"], 5, daemons=[d],
                           desc="the deliveries counted in /metrics")
        first, text = metrics()
        for name, value in first.items():
            self.assertIsNotNone(value, f"{name} in /metrics:\n{text}")
        self.assertGreater(first["deadlined_deliveries_total"], 0, text)
        self.assertGreater(first["deadlined_journal_size_bytes"], 0, text)
        self.wait_mails("phong-a", 2, 25, d)
        self.wait_mails("phong-b", 2, 25, d)
        harness.wait_until(
            lambda: metrics()[0]["deadlined_deliveries_total"] > first["deadlined_deliveries_total"],
            10, desc="deliveries counter rising", daemons=[d])

        self.checked("GET", "/nope", 404)
        # `/` is the desk, as /status: off here, with no Office account or admin token.
        _, body = self.checked("GET", "/", 404)
        self.assertIn("Trang theo dõi chưa được bật", body)
        self.checked("PUT", "/ack/x", 405, body=b"x")
        self.checked("DELETE", "/ack/x", 405)

        _, token = self.link_of(self.mails_to("phong-a")[0])
        big = urllib.parse.urlencode({"csrf": "x", "note": "n" * (17 * 1024)}).encode()
        try:
            status, _, _ = self.request("POST", f"/ack/{token}", big,
                                        {"Content-Type": "application/x-www-form-urlencoded"})
        except (ConnectionError, http.client.HTTPException) as e:
            status = f"closed ({type(e).__name__})"
        self.assertTrue(status == 413 or isinstance(status, str), f"oversized body: {status}")
        self.assertEqual(harness.confirmations(self.ws.state_dir), [])
        self.assertEqual(self.try_get("/healthz"), 200, "still serving after the big body")
        d.stop()

    def test_cli_ack_and_reopen(self):
        d = self.setup_daemon([4, 13, 24])
        self.wait_mails("phong-a", 1, 20, d)
        self.wait_mails("phong-b", 1, 20, d)

        def cli(command, unit, occurrence, *extra):
            r = harness.run_cli([command, "-c", self.ws.config_path, "--plan", "p1", "--task",
                                 "bao-cao", "--occurrence", occurrence, "--unit", unit, *extra],
                                cwd=self.ws.root)
            return r.returncode, (r.stdout + r.stderr).decode("utf-8", "replace")

        rc, out = cli("ack", "zz", self.occ)
        self.assertEqual(rc, 1, out)
        self.assertIn("Lỗi: đơn vị 'zz' không được giao nhiệm vụ 'bao-cao'", out)
        rc, out = cli("ack", "phong-b", "19990101")
        self.assertEqual(rc, 1, out)
        self.assertIn("Lỗi: nhiệm vụ 'bao-cao' không có kỳ '19990101'", out)
        self.assertEqual(harness.confirmations(self.ws.state_dir), [], "errors record nothing")

        note = "Văn phòng ghi nhận qua điện thoại"
        # The due day may be written as a date too.
        dashed = f"{self.occ[:4]}-{self.occ[4:6]}-{self.occ[6:]}"
        rc, out = cli("ack", "phong-b", dashed, "--note", note)
        self.assertEqual(rc, 0, out)
        self.assertIn("đã ghi nhận xác nhận hoàn thành (hạn ", out)
        rows = harness.confirmations(self.ws.state_dir)
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual((rows[0]["unit"], rows[0]["occurrence"], rows[0]["action"],
                          rows[0]["origin"], rows[0]["note"]),
                         ("phong-b", self.occ, "confirm", "cli", note))
        self.assertTrue(rows[0]["actor"].startswith("cli:"), rows[0]["actor"])
        self.assertEqual(len(self.mails_to("phong-b")), 1, "acked before stage 2")

        # Stage 2 reaches a but not b.
        self.wait_mails("phong-a", 2, 25, d)
        harness.wait_until(lambda: self.skip_lines(d, "phong-b"), 10,
                           desc="skip line for phong-b", daemons=[d])
        harness.assert_holds(lambda: len(self.mails_to("phong-b")) == 1, 2,
                             desc="no stage-2 reminder to phong-b")
        b_url, _ = self.link_of(self.mails_to("phong-b")[0])
        _, page = self.checked("GET", urllib.parse.urlsplit(b_url).path, 200)
        self.assertIn("Đã xác nhận hoàn thành", html.unescape(page))

        rc, out = cli("reopen", "phong-b", self.occ)
        self.assertEqual(rc, 0, out)
        rows = harness.confirmations(self.ws.state_dir)
        self.assertEqual([(r["unit"], r["action"], r["origin"]) for r in rows],
                         [("phong-b", "confirm", "cli"), ("phong-b", "reopen", "cli")])
        self.assertTrue(rows[1]["actor"].startswith("cli:"), rows[1]["actor"])

        # Stage 3 reaches b again.
        self.wait_mails("phong-b", 2, 25, d)
        self.wait_mails("phong-a", 3, 25, d)
        harness.assert_holds(lambda: len(self.mails_to("phong-b")) == 2, 2,
                             desc="exactly one more reminder to phong-b")
        self.assertEqual(len(self.skip_lines(d, "phong-b")), 1, d.log())
        d.stop()


if __name__ == "__main__":
    harness.main()
