#!/usr/bin/python3
"""Extensions (gia hạn) against one running daemon over real HTTP and a real SMTP sink
(aiosmtpd), then the same state directory after a restart.

The scenario is made observable in real time by the config: the service zone is a whole-hour
fixed offset in which it is now about noon (harness.noon_zone), every day is a working day and
no public holiday applies, day_end is a minute about a minute from now, and the one-off task
of phong-a and phong-b was due YESTERDAY (date only: yesterday at day_end), with an exact lead
of L seconds and one of 1h. chase_from is yesterday, so both units get their first overdue
notice at once (it carries the confirmation link and the calendar link).

* phong-a asks on its confirmation page (until tomorrow: a unit may not ask for today); the
  page says the request waits; the desk lists it in section#requests and pre-fills the
  unit's extension form; the Office approves on the desk with another day, TODAY. The
  trail holds request (actor link) and approve (actor office:ID).
* phong-a is sent the "Đồng ý gia hạn" notice (key …extension-ID.phong-a) naming the new
  deadline and the original one; its reminders are recomputed on the new deadline, today at
  day_end: the L-second stage (key …gh<today>-<L>s.phong-a) arrives at day_end - L, the 1h
  stage (before the approval) never goes, and nothing else of the old deadline goes to
  phong-a; phong-b gets nothing new from it.
* The desk shows phong-a "Được gia hạn đến …", "Đang thực hiện" (not overdue); its calendar
  feed event ends at the new deadline, phong-b's at the old one.
* phong-b asks; the Office refuses with `deadlined extend --refuse`; the "Không chấp thuận
  gia hạn" notice reaches phong-b within 15 s; phong-b stays "Quá hạn".
* Refused: POST /status/extend without a login (401), with a wrong CSRF token (403), for an
  unknown unit (404), with a day not after the deadline (400), a refusal without a pending
  request (409); `deadlined extend` for an unknown unit (exit 1, "Lỗi:"); the unit page's
  POST with a wrong csrf (403). None of them writes the trail.
* After SIGTERM and a new start on the same state dir the desk still shows the extension
  and no notice or reminder is sent again.
"""

import base64
import datetime as dt
import html
import http.client
import json
import math
import os
import re
import sqlite3
import time
import urllib.parse

import icalendar

import harness
from harness import FROM_HEADER, DaemonTestCase

OFFICE = "vanphong@stnmt.example.gov.vn"
ADDR = {"phong-a": "a@stnmt.example.gov.vn", "phong-b": "b@stnmt.example.gov.vn"}
NAMES = {"phong-a": "Phòng Kế hoạch – Tài chính", "phong-b": "Phòng Quản lý đất đai"}
TITLE = "Báo cáo tình hình thu gom chất thải rắn"
ACCOUNT, ACCOUNT_NAME = "nguyen-thi-hang", "Nguyễn Thị Hằng"
ACK_LINK = re.compile(r"^(https?://\S+/ack/(\S+))$", re.M)
FEED_LINK = re.compile(r"^(https?://\S+/calendar/\S+\.ics\?token=\S+)$", re.M)
UTC = dt.timezone.utc
# The L-second stage of the new deadline goes out this long after the config is written: the
# request and the approval must be on the desk before it.
FIRE_AFTER = 22.0


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def extensions_trail(state_dir):
    """The rows of the journal's extensions table, oldest first ([] before it exists)."""
    path = state_dir / "journal.sqlite"
    if not path.exists():
        return []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute("SELECT * FROM extensions ORDER BY id")]
    except sqlite3.OperationalError:
        return []
    finally:
        con.close()


def text_of(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", fragment or "")).split())


class ExtensionsTest(DaemonTestCase):

    # -- requests

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def checked(self, method, path, status, body=None, headers=None):
        got, hdrs, raw = self.request(method, path, body, headers)
        self.assertEqual(got, status, f"{method} {path[:80]}: {raw[:400]!r}")
        return hdrs, raw.decode("utf-8", "replace")

    def post(self, path, fields, status, headers=None, origin=True):
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        if origin:
            h["Origin"] = self.public if origin is True else origin
        h.update(headers or {})
        return self.checked("POST", path, status, urllib.parse.urlencode(fields).encode(), h)

    def try_get(self, path):
        try:
            return self.request("GET", path)[0]
        except OSError:
            return None

    def desk_page(self):
        return self.checked("GET", "/status", 200, headers=self.auth)[1]

    @staticmethod
    def desk_lines(page):
        """{unit name: (state code, state text, the item's whole text)} of the desk's
        article of TITLE."""
        for art in re.findall(r'<article class="occurrence">(.*?)</article>', page, re.S):
            if TITLE not in text_of(re.search(r"<h3>(.*?)</h3>", art, re.S).group(1)):
                continue
            out = {}
            for code, item in re.findall(r'<li class="st-([a-z-]+)">(.*?)</li>', art, re.S):
                name = text_of(re.search(r'<span class="unit">(.*?)</span>', item, re.S).group(1))
                state = text_of(re.search(r'<span class="state">(.*?)</span>', item, re.S).group(1))
                visible = re.sub(r"<(details|form).*?</\1>", "", item, flags=re.S)
                out[name] = (code, state, text_of(visible))
            return out
        return {}

    @staticmethod
    def extend_form(page, unit):
        for form in re.findall(r'<form method="post" action="/status/extend">(.*?)</form>',
                               page, re.S):
            fields = {html.unescape(n): html.unescape(v) for n, v in
                      re.findall(r'<input[^>]*name="([^"]*)"[^>]*value="([^"]*)"', form)}
            if fields.get("unit") == unit:
                return fields
        return None

    def csrf_of(self, page):
        m = re.search(r'<input[^>]*name="csrf"[^>]*>', page)
        self.assertIsNotNone(m, f"no csrf input in:\n{page}")
        return html.unescape(re.search(r'value="([^"]*)"', m.group(0)).group(1))

    # -- mail

    def mails_to(self, unit):
        return [m for m in self.smtp.mails if m.rcpt_tos == [ADDR[unit]]]

    def mail_with_key(self, unit, key, timeout, d):
        mid = f"<{key}@{harness.MAIL_DOMAIN}>"

        def found():
            return [m for m in self.mails_to(unit) if m.message_id == mid]

        return harness.wait_until(found, timeout, desc=f"mail {key} to {unit}", daemons=[d])[0]

    def key(self, stage, unit):
        return f"p1.bao-cao.{self.occ}.{stage}.{unit}"

    def at(self, t):
        """HH:MM dd/mm/YYYY in the service zone."""
        return t.astimezone(self.tz).strftime("%H:%M %d/%m/%Y")

    def at_words(self, t):
        """HH:MM ngày dd/mm/YYYY in the service zone, as mails and pages write it."""
        return t.astimezone(self.tz).strftime("%H:%M ngày %d/%m/%Y")

    # -- setup

    def start(self):
        self.smtp = self.smtp_sink()
        self.port = harness.free_port()
        self.public = f"http://127.0.0.1:{self.port}"
        zone, self.tz = harness.noon_zone()
        t0 = time.time()
        self.today = dt.datetime.fromtimestamp(t0, self.tz).date()
        self.yesterday = self.today - dt.timedelta(days=1)
        self.tomorrow = self.today + dt.timedelta(days=1)
        # day_end: a whole minute at least 30 s after the L-second stage's time.
        self.fire_at = t0 + FIRE_AFTER
        end = dt.datetime.fromtimestamp(math.ceil((self.fire_at + 30) / 60) * 60, self.tz)
        self.assertEqual(end.date(), self.today, "the noon zone keeps day_end today")
        self.new_due = end
        self.old_due = dt.datetime.combine(self.yesterday, end.time(), self.tz)
        self.lead = int(self.new_due.timestamp() - self.fire_at)
        self.fire_at = self.new_due.timestamp() - self.lead
        self.occ = self.yesterday.strftime("%Y%m%d")

        token = b64url(os.urandom(24))
        self.auth = {"Authorization": "Basic " +
                     base64.b64encode(f"{ACCOUNT}:{token}".encode()).decode()}
        http_cfg = {"listen": f"127.0.0.1:{self.port}",
                    "secret_file": str(self.ws.write("link.key", b64url(os.urandom(30)) + "\n"))}
        office = (f"\n[http.office.{ACCOUNT}]\nname = {json.dumps(ACCOUNT_NAME, ensure_ascii=False)}\n"
                  f"token_file = {json.dumps(str(self.ws.write('hang.token', token + chr(10))))}\n")
        units = {"vp": {"name": "Văn phòng Sở", "email": [OFFICE]}}
        units.update({u: {"name": NAMES[u], "email": [ADDR[u]]} for u in ADDR})
        service = harness.service_section(
            timezone=zone, send_time="08:00", day_end=end.strftime("%H:%M"),
            workdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"], holiday_rules="none",
            chase_from=self.yesterday, monitor="vp", retry_initial="1s", retry_max="4s")
        self.ws.write_config(harness.main_config_text(
            service=service,
            email_={"transport": "smtp", "from": FROM_HEADER, "url": self.smtp.url,
                    "timeout": "10s"},
            units=units) + "\n" + harness.toml_table("http", http_cfg) + office)
        self.ws.write_plan("p1.toml", harness.plan_text(harness.default_plan("p1"), [
            {"id": "bao-cao", "title": TITLE, "responsible": sorted(ADDR), "due": self.yesterday,
             "leads": [f"{self.lead}s", "1h"]}]))
        d = self.start_daemon()
        harness.wait_until(lambda: self.try_get("/healthz") == 200, 15,
                           desc="the HTTP listener", daemons=[d])
        return d

    def links_of(self, mail):
        body = harness.text_body(mail.message()).replace("\r\n", "\n")
        acks, feeds = ACK_LINK.findall(body), FEED_LINK.findall(body)
        self.assertEqual(len(acks), 1, body)
        self.assertEqual(len(feeds), 1, body)
        return urllib.parse.urlsplit(acks[0][0]).path, urllib.parse.urlsplit(feeds[0])

    def feed_end(self, feed, unit):
        path = feed.path + "?" + feed.query
        got, _, raw = self.request("GET", path)
        self.assertEqual(got, 200, raw[:300])
        cal = icalendar.Calendar.from_ical(raw)
        events = {str(ev.get("UID")): ev for ev in cal.walk("VEVENT")}
        uid = f"p1.bao-cao.{self.occ}.{unit}@deadlined"
        self.assertIn(uid, events, f"{unit}'s feed: {sorted(events)}")
        return events[uid].decoded("DTEND")

    # -- the test

    def test_request_approve_refuse_and_restart(self):
        d = self.start()
        a, b = NAMES["phong-a"], NAMES["phong-b"]

        # The first overdue notice of the old deadline reaches both units at once.
        over_a = self.mail_with_key("phong-a", self.key("overdue-1", "phong-a"), 20, d)
        over_b = self.mail_with_key("phong-b", self.key("overdue-1", "phong-b"), 20, d)
        page_a, feed_a = self.links_of(over_a)
        page_b, feed_b = self.links_of(over_b)
        self.assertEqual(self.feed_end(feed_a, "phong-a"), self.old_due.astimezone(UTC),
                         "before the extension a's feed has the original deadline")

        # -- 1. phong-a asks on its page, the desk lists it, the Office approves (today).
        page = self.checked("GET", page_a, 200)[1]
        self.assertIn("Đề nghị gia hạn", page)
        self.assertRegex(page, r'<input[^>]*name="action"[^>]*value="extend"')
        csrf_a = self.csrf_of(page)
        reason = "Chờ số liệu của các xã, phường <b>gửi về</b>"
        ask = {"csrf": csrf_a, "action": "extend", "until": self.tomorrow.isoformat(),
               "reason": reason}
        bad = csrf_a[:-1] + ("x" if csrf_a[-1] != "x" else "y")
        self.post(page_a, dict(ask, csrf=bad), 403)  # 5: the page refuses a wrong csrf
        self.assertEqual(extensions_trail(self.ws.state_dir), [], "a refused POST writes nothing")
        hdrs, _ = self.post(page_a, ask, 303)
        self.assertEqual(hdrs.get("location"), self.public + page_a)
        text = text_of(self.checked("GET", page_a, 200)[1])
        self.assertIn("Đơn vị đã đề nghị gia hạn đến ngày "
                      f"{self.tomorrow:%d/%m/%Y}", text)
        self.assertIn("Văn phòng đang xem xét", text)

        desk = self.desk_page()
        m = re.search(r'<section id="requests">(.*?)</section>', desk, re.S)
        self.assertIsNotNone(m, "the desk lists the pending request")
        self.assertIn(a, text_of(m.group(1)))
        self.assertIn(f"đề nghị gia hạn đến ngày {self.tomorrow:%d/%m/%Y}", text_of(m.group(1)))
        self.assertIn("Lý do: " + reason, text_of(m.group(1)))
        self.assertIn("&lt;b&gt;", m.group(1), "the reason is escaped")
        self.assertNotIn(b, text_of(m.group(1)), "only phong-a has asked")
        form = self.extend_form(desk, "phong-a")
        self.assertIsNotNone(form, desk)
        self.assertEqual((form["plan"], form["task"], form["occurrence"], form["until"]),
                         ("p1", "bao-cao", self.occ, self.tomorrow.isoformat()),
                         "the unit's form, pre-filled with the day asked")
        self.assertEqual(self.desk_lines(desk)[a][0], "overdue", "overdue before the approval")
        note = "Đồng ý, nộp trước giờ kết thúc ngày làm việc hôm nay"
        hdrs, _ = self.post("/status/extend", dict(form, until=self.today.isoformat(),
                                                   note=note, decision="approve"),
                            303, self.auth)
        self.assertTrue(hdrs.get("location", "").startswith(self.public + "/status"), hdrs)
        self.assertLess(time.time(), self.fire_at - 2,
                        "the approval came too late for the scenario (slow machine?)")
        trail = extensions_trail(self.ws.state_dir)
        self.assertEqual([(r["unit"], r["occurrence"], r["action"], r["until"], r["actor"],
                           r["origin"], r["note"]) for r in trail],
                         [("phong-a", self.occ, "request", self.tomorrow.isoformat(), "link",
                           "127.0.0.1", reason),
                          ("phong-a", self.occ, "approve", self.today.isoformat(),
                           f"office:{ACCOUNT}", "127.0.0.1", note)])
        approve_id = trail[1]["id"]

        # -- 2. The notice, at once.
        notice = self.mail_with_key("phong-a", self.key(f"extension-{approve_id}", "phong-a"),
                                    10, d)
        subjects = harness.decoded_subject(notice.raw)
        self.assertTrue(any(s.startswith("Đồng ý gia hạn: ") for s in subjects), subjects)
        self.assertTrue(any(TITLE in s for s in subjects), subjects)
        body = harness.text_body(notice.message())
        self.assertIn(self.at_words(self.new_due), body, "the notice names the new deadline")
        self.assertIn(self.at_words(self.old_due), body, "and the original one")
        self.assertIn(note, body)

        # The unit's page says so, and shows the deadline in force.
        text = text_of(self.checked("GET", page_a, 200)[1])
        self.assertIn(f"Văn phòng đã đồng ý gia hạn đến ngày {self.today:%d/%m/%Y}", text)
        self.assertIn(self.at_words(self.new_due) + " (đã được gia hạn; thời hạn ban đầu "
                      + self.at_words(self.old_due) + ")", text)

        # -- 3. The desk and the calendar feeds judge phong-a by its deadline in force.
        lines = self.desk_lines(self.desk_page())
        self.assertEqual(lines[a][0], "open", lines)
        self.assertEqual(lines[a][1], "Đang thực hiện, hạn là hôm nay", lines)
        self.assertIn(f"Được gia hạn đến {self.at(self.new_due)} (thời hạn ban đầu "
                      f"{self.at(self.old_due)})", lines[a][2])
        self.assertEqual(lines[b][0], "overdue", lines)
        self.assertTrue(lines[b][1].startswith("Quá hạn"), lines)
        self.assertNotIn("Được gia hạn", lines[b][2])
        self.assertEqual(self.feed_end(feed_a, "phong-a"), self.new_due.astimezone(UTC),
                         "a's feed: the new deadline")
        self.assertEqual(self.feed_end(feed_b, "phong-b"), self.old_due.astimezone(UTC),
                         "b's feed: still the original one")

        # -- 4. phong-b asks; the Office refuses with the CLI.
        page = self.checked("GET", page_b, 200)[1]
        self.post(page_b, {"csrf": self.csrf_of(page), "action": "extend",
                           "until": self.tomorrow.isoformat(), "reason": "Thiếu cán bộ"}, 303)
        refused_at = time.monotonic()
        cli = harness.run_cli(["extend", "-c", self.ws.config_path, "--plan", "p1", "--task",
                               "bao-cao", "--occurrence", self.occ, "--unit", "phong-b",
                               "--refuse", "--note", "Đã quá hạn, đề nghị nộp ngay"],
                              cwd=self.ws.root)
        self.assertEqual(cli.returncode, 0, (cli.stdout + cli.stderr).decode())

        # -- 5. Refusals, none of which writes the trail.
        before = extensions_trail(self.ws.state_dir)
        self.assertEqual([(r["unit"], r["action"]) for r in before],
                         [("phong-a", "request"), ("phong-a", "approve"),
                          ("phong-b", "request"), ("phong-b", "refuse")])
        self.assertEqual(before[2]["actor"], "link")
        self.assertTrue(before[3]["actor"].startswith("cli:"), before[3])
        self.assertEqual(before[3]["origin"], "cli")
        form_b = self.extend_form(self.desk_page(), "phong-b")
        self.assertIsNotNone(form_b)
        approve_b = dict(form_b, until=self.tomorrow.isoformat(), note="", decision="approve")
        self.post("/status/extend", approve_b, 401)  # no login
        self.post("/status/extend", dict(approve_b, csrf=form_b["csrf"][:-2] + "xx"), 403,
                  self.auth)
        self.post("/status/extend", approve_b, 403, self.auth, origin="https://evil.example")
        self.post("/status/extend", dict(approve_b, unit="zz"), 404, self.auth)
        self.post("/status/extend", dict(approve_b, until=self.yesterday.isoformat()), 400,
                  self.auth)  # not after phong-b's deadline
        self.post("/status/extend", dict(approve_b, unit="phong-a",
                                         until=self.today.isoformat()), 400,
                  self.auth)  # not after phong-a's deadline in force
        self.post("/status/extend", dict(approve_b, unit="phong-a", decision="refuse"), 409,
                  self.auth)  # phong-a has no request waiting
        cli = harness.run_cli(["extend", "-c", self.ws.config_path, "--plan", "p1", "--task",
                               "bao-cao", "--occurrence", self.occ, "--unit", "zz",
                               "--until", self.tomorrow.isoformat()], cwd=self.ws.root)
        self.assertEqual(cli.returncode, 1, cli.stdout + cli.stderr)
        self.assertIn("Lỗi:", cli.stderr.decode())
        self.assertEqual(extensions_trail(self.ws.state_dir), before, "nothing written")

        # -- 4 (continued). The refusal notice within ~15 s; phong-b stays overdue.
        refusal = self.mail_with_key("phong-b", self.key(f"extension-{before[3]['id']}",
                                                         "phong-b"), 15, d)
        self.assertLess(refusal.received_at - refused_at, 15.0)
        subjects = harness.decoded_subject(refusal.raw)
        self.assertTrue(any(s.startswith("Không chấp thuận gia hạn: ") for s in subjects),
                        subjects)
        self.assertIn(self.at_words(self.old_due), harness.text_body(refusal.message()))
        lines = self.desk_lines(self.desk_page())
        self.assertEqual(lines[b][0], "overdue", lines)
        self.assertTrue(lines[b][1].startswith("Quá hạn"), lines)
        self.assertEqual(lines[a][0], "open", lines)

        # -- 2 (continued). phong-a's L-second stage of the new deadline, at day_end - L.
        new_key = self.key(f"gh{self.today:%Y%m%d}-{self.lead}s", "phong-a")
        reminder = self.mail_with_key("phong-a", new_key,
                                      self.fire_at - time.time() + 10, d)
        expected = harness.monotonic_of(dt.datetime.fromtimestamp(self.fire_at, UTC))
        self.assertGreaterEqual(reminder.received_at, expected - 1.0, "not before its time")
        self.assertLessEqual(reminder.received_at, expected + 5.0, "on time")
        body = harness.text_body(reminder.message())
        self.assertIn(self.at_words(self.new_due), body)
        self.assertIn("đã được gia hạn", body)

        # Nothing else: of phong-a only the old overdue notice (sent before the approval),
        # the notice and the new stage; of phong-b the old notice and the refusal. The 1h
        # stage of the new deadline (before the approval) never goes.
        def reminder_keys(unit):
            rows = harness.journal_rows(self.ws.state_dir).values()
            return {r["reminder_key"] for r in rows if r["reminder_key"].endswith("." + unit)}

        want_a = {self.key("overdue-1", "phong-a"), self.key(f"extension-{approve_id}", "phong-a"),
                  new_key}
        want_b = {self.key("overdue-1", "phong-b"),
                  self.key(f"extension-{before[3]['id']}", "phong-b")}
        self.assertEqual(reminder_keys("phong-a"), want_a)
        self.assertEqual(reminder_keys("phong-b"), want_b)
        self.assertEqual(sorted(m.message_id for m in self.mails_to("phong-a")),
                         sorted(f"<{k}@{harness.MAIL_DOMAIN}>" for k in want_a))
        self.assertEqual(sorted(m.message_id for m in self.mails_to("phong-b")),
                         sorted(f"<{k}@{harness.MAIL_DOMAIN}>" for k in want_b))

        # -- 6. A restart on the same state dir.
        d.stop()
        d = self.start_daemon()
        harness.wait_until(lambda: self.try_get("/healthz") == 200, 15,
                           desc="the HTTP listener after the restart", daemons=[d])
        lines = self.desk_lines(self.desk_page())
        self.assertIn(f"Được gia hạn đến {self.at(self.new_due)}", lines[a][2], lines)
        self.assertNotIn("Được gia hạn", lines[b][2], lines)
        harness.assert_holds(lambda: len(self.mails_to("phong-a")) == 3 and
                             len(self.mails_to("phong-b")) == 2, 3,
                             desc="no mail sent again after the restart")
        notices = [m for m in self.mails_to("phong-a")
                   if any(s.startswith("Đồng ý gia hạn") for s in harness.decoded_subject(m.raw))]
        self.assertEqual(len(notices), 1)
        self.assertEqual(reminder_keys("phong-a"), want_a)
        d.stop()


if __name__ == "__main__":
    harness.main()
