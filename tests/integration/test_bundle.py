#!/usr/bin/python3
"""[service] bundle (on by default): one email per unit and instant, with the real daemon and a
real SMTP server (aiosmtpd).

Proves: two tasks of one unit whose reminders fall at the same instant go as one email to the
unit (and one copy to the Office), with the Message-ID "bundle." + 32 hex digits of the SHA-256
of the sorted reminder keys, a subject that counts them, and each task's own confirmation link,
each of which works (GET the page, POST its form); each reminder keeps its own journal rows.
A kill -9 during a bundle's retry (the unit's server answers 451 while the Office's copy is
delivered) and a restart send the undelivered members once, in one bundle with the same
Message-ID, and the Office's copy is not sent again.
"""

import base64
import datetime as dt
import hashlib
import html
import http.client
import os
import re
import time
import urllib.parse

import harness
from harness import FROM_ADDR, FROM_HEADER, MAIL_DOMAIN, DaemonTestCase

UNIT = "a@stnmt.example.gov.vn"
TITLES = {"bao-cao": "Báo cáo kết quả thực hiện", "dang-tin": "Đăng tải tin bài tuyên truyền"}
LINK = re.compile(r"^(https?://\S+/ack/(\S+))$", re.M)


def bundle_id(keys) -> str:
    """The bundle's Message-ID local part, as ids::bundle_id defines it."""
    return "bundle." + hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:32]


class BundleTest(DaemonTestCase):

    def write_config(self, smtp_url: str, *, http_port=None, **service) -> dict:
        """Unit phong-a and the Office van-phong by email; tasks bao-cao (due first, "2h") and
        dang-tin (due an hour later, "3h"): both reminders fire ~4 s from now. Returns the
        reminder keys by task."""
        due = harness.due_firing_in(4)
        later = due + dt.timedelta(hours=1)
        extra = ""
        if http_port is not None:
            secret = base64.urlsafe_b64encode(os.urandom(30)).decode()
            secret_file = self.ws.write("link.key", secret + "\n")
            extra = "\n" + harness.toml_table(
                "http", {"listen": f"127.0.0.1:{http_port}", "secret_file": str(secret_file)})
        self.ws.write_config(harness.main_config_text(
            # The Office is copied on every reminder, so that its copy is one more bundle.
            service=harness.service_section(monitor_cc="all", **service),
            email_={"transport": "smtp", "from": FROM_HEADER, "url": smtp_url,
                    "timeout": "10s"},
            units={"van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]},
                   "phong-a": {"name": "Phòng A", "email": [UNIT]}}) + extra)
        self.ws.write_plan("p1.toml", harness.plan_text(harness.default_plan("p1"), [
            {"id": "bao-cao", "title": TITLES["bao-cao"], "responsible": ["phong-a"],
             "due": due, "leads": ["2h"]},
            {"id": "dang-tin", "title": TITLES["dang-tin"], "responsible": ["phong-a"],
             "due": later, "leads": ["3h"]}]))
        self.due = due
        return {"bao-cao": harness.reminder_key("p1", "bao-cao", due, "2h", "phong-a"),
                "dang-tin": harness.reminder_key("p1", "dang-tin", later, "3h", "phong-a")}

    def journal_keys(self, keys):
        return [harness.smtp_journal_key(k, a) for k in keys.values() for a in (UNIT, FROM_ADDR)]

    def check_bundle(self, mail, keys) -> str:
        """Checks one copy of the bundle; returns its text."""
        msg = mail.message()
        self.assertEqual(mail.message_id, f"<{bundle_id(keys.values())}@{MAIL_DOMAIN}>")
        self.assertEqual([a.addr_spec for a in msg["To"].addresses], [UNIT], "To")
        self.assertEqual([a.addr_spec for a in msg["Cc"].addresses], [FROM_ADDR], "Cc")
        when = self.due.astimezone(harness.VN_TZ)
        subject = (f"Nhắc việc: 2 nhiệm vụ đến hạn (sớm nhất: hạn {when:%H:%M} ngày "
                   f"{harness.vn_date(when)})")
        self.assertIn(subject, harness.decoded_subject(mail.raw))
        text = harness.text_body(msg).replace("\r\n", "\n")
        self.assertTrue(text.startswith("Kính gửi: Phòng A\n\nVăn phòng Sở nhắc Phòng A 2 nhiệm vụ "
                                        "sau:\n\n1. "), text)
        self.assertEqual(text.count("Kính gửi:"), 1, text)
        first, second = text.index(TITLES["bao-cao"]), text.index(TITLES["dang-tin"])
        self.assertLess(first, text.index("\n2. "), "the earlier deadline is listed first")
        self.assertLess(text.index("\n2. "), second, text)
        for key in keys.values():
            self.assertNotIn(key, text, "no key reaches the reader")
        return text

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read().decode()
        finally:
            conn.close()

    def test_one_email_with_a_working_link_per_task(self):
        smtp = self.smtp_sink()
        self.port = harness.free_port()
        keys = self.write_config(smtp.url, http_port=self.port)
        d = self.start_daemon()
        smtp.wait_count(2, 20, daemons=[d])
        harness.assert_holds(lambda: smtp.count() == 2, 3, desc="one email per address")
        bundle = f"<{bundle_id(keys.values())}@{MAIL_DOMAIN}>"
        self.check_per_recipient(smtp.mails, {bundle: [UNIT, FROM_ADDR]})
        text = self.check_bundle(next(m for m in smtp.mails if m.rcpt_tos == [UNIT]), keys)

        rows = harness.journal_rows(self.ws.state_dir)
        for k in self.journal_keys(keys):
            self.assertEqual(rows.get(k, {}).get("state"), "delivered", f"{k}: {rows}")

        links = LINK.findall(text)
        self.assertEqual(len(links), 2, f"a confirmation link per task:\n{text}")
        public = f"http://127.0.0.1:{self.port}"
        for (url, token), task in zip(links, ("bao-cao", "dang-tin")):
            self.assertEqual(url, f"{public}/ack/{token}")
            self.assertTrue(token.startswith(f"p1.{task}."), token)
            status, _, page = self.request("GET", f"/ack/{token}")
            self.assertEqual(status, 200, page[:300])
            self.assertIn(TITLES[task], html.unescape(page))
            m = re.search(r'<input[^>]*name="csrf"[^>]*value="([^"]*)"', page)
            self.assertIsNotNone(m, page)
            status, hdrs, page = self.request(
                "POST", f"/ack/{token}",
                urllib.parse.urlencode({"csrf": html.unescape(m.group(1)), "note": ""}).encode(),
                {"Content-Type": "application/x-www-form-urlencoded", "Origin": public})
            self.assertEqual(status, 303, page[:300])
        confirmed = sorted((r["task"], r["unit"], r["action"])
                           for r in harness.confirmations(self.ws.state_dir))
        self.assertEqual(confirmed, [("bao-cao", "phong-a", "confirm"),
                                     ("dang-tin", "phong-a", "confirm")])
        d.stop()

    def test_no_duplicate_after_a_kill_during_the_retry(self):
        # The unit's mailbox is unavailable for now (451); the Office's copy goes through.
        smtp = self.smtp_sink(reject={UNIT: "451 4.3.0 mailbox busy"})
        keys = self.write_config(smtp.url, retry_initial="1s", retry_max="2s")
        bundle = f"<{bundle_id(keys.values())}@{MAIL_DOMAIN}>"
        d = self.start_daemon()
        harness.wait_until(lambda: smtp.rcpt_count(UNIT) >= 2, 30, daemons=[d],
                           desc="the unit's bundle refused and retried")
        self.assertEqual([m.message_id for m in smtp.mails], [bundle], "the Office's copy")
        rows = harness.journal_rows(self.ws.state_dir)
        for k in keys.values():
            self.assertEqual(rows[harness.smtp_journal_key(k, UNIT)]["state"], "pending")
            self.assertEqual(rows[harness.smtp_journal_key(k, FROM_ADDR)]["state"], "delivered")
        d.kill()

        smtp.reject.clear()
        d = self.start_daemon()
        harness.wait_until(lambda: any(m.rcpt_tos == [UNIT] for m in smtp.mails), 20,
                           daemons=[d], desc="the unit's bundle after the restart")
        harness.assert_holds(lambda: smtp.count() == 2, 4, desc="no duplicate after the restart")
        to_unit = [m for m in smtp.mails if m.rcpt_tos == [UNIT]]
        self.assertEqual(len(to_unit), 1)
        self.check_bundle(to_unit[0], keys)
        self.assertEqual(sum(1 for m in smtp.mails if m.rcpt_tos == [FROM_ADDR]), 1,
                         "the Office's copy, delivered before the kill, is not sent again")
        d.stop()
        rows = harness.journal_rows(self.ws.state_dir)
        for k in self.journal_keys(keys):
            self.assertEqual(rows[k]["state"], "delivered", f"{k}: {rows[k]}")


if __name__ == "__main__":
    harness.main()
