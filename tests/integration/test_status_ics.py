#!/usr/bin/python3
"""The Office's status page (/status) and the per-unit iCalendar feeds (/calendar/U.ics).

* /status: 401 with a Basic challenge without or with a wrong admin token, 200 with the
  token as Bearer or as the Basic password, 404 when no admin_token_file is configured; the
  open/upcoming/recent tables after a caught-up reminder and a link confirmation; escaping.
* /calendar/U.ics?token=T: parsed with Debian's `icalendar` (an independent RFC 5545
  parser): one VEVENT per pending deadline where U is responsible or coordinating, for a
  one-off task and a monthly task ("day 20", moved off days off per `deadlined holidays`,
  including a worked Saturday from a holidays file written here), 400 days ahead; UID,
  DTSTART/DTEND, SUMMARY, URL (rebuilt here from the secret); lines folded at 75 octets;
  bad tokens 404; a deadline confirmed with `deadlined ack` leaves only that unit's feed.

Feed token = base64url (no padding) of the first 16 bytes of HMAC-SHA256(secret, "ics:" +
unit); confirmation tokens as in test_ack.py.
"""

import base64
import datetime as dt
import hashlib
import hmac
import html
import http.client
import json
import os
import re
import time
import urllib.parse

import icalendar

import harness
from harness import FROM_HEADER, VN_TZ, DaemonTestCase

OFFICE = "vanphong@stnmt.example.gov.vn"
ADDR = {"phong-a": "a@stnmt.example.gov.vn", "phong-b": "b@stnmt.example.gov.vn"}
NAMES = {"phong-a": "Phòng Kế hoạch – Tài chính", "phong-b": "Phòng Quản lý đất đai"}
PLAN_TITLE = "Kế hoạch thử nghiệm nhắc hạn"
SECURITY_HEADERS = {"x-content-type-options": "nosniff", "x-frame-options": "DENY",
                    "cache-control": "no-store"}
ACK_LINK = re.compile(r"^(https?://\S+/ack/(\S+))$", re.M)
FEED_LINK = re.compile(r"^(https?://\S+/calendar/\S+\.ics\?token=\S+)$", re.M)
UTC = dt.timezone.utc


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def sign(key: bytes, plan, task, occurrence, unit, expires) -> str:
    payload = f"{plan}.{task}.{occurrence}.{unit}.{expires}"
    return payload + "." + b64url(hmac.new(key, b"ack:" + payload.encode(),
                                           hashlib.sha256).digest()[:16])


def feed_token(key: bytes, unit: str) -> str:
    return b64url(hmac.new(key, b"ics:" + unit.encode(), hashlib.sha256).digest()[:16])


def when(t: dt.datetime) -> str:
    return t.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


class StatusIcsTest(DaemonTestCase):

    # -- setup and requests

    def start(self, tasks, *, admin=True, holidays=None, office=None):
        """Units phong-a, phong-b and vp (monitor); plan p1 with `tasks`; [http] on a free
        port with a link key and (when `admin`) an admin token. Returns the daemon."""
        self.port = harness.free_port()
        self.public = f"http://127.0.0.1:{self.port}"
        self.key = b64url(os.urandom(30)).encode()
        self.admin = b64url(os.urandom(24))
        http_cfg = {"listen": f"127.0.0.1:{self.port}",
                    "secret_file": str(self.ws.write("link.key", self.key.decode() + "\n")),
                    "admin_token_file": str(self.ws.write("admin.token", f" {self.admin}\n"))
                    if admin else None}
        units = {"vp": {"name": "Văn phòng Sở", "email": [OFFICE]}}
        units.update({u: {"name": NAMES[u], "email": [ADDR[u]]} for u in ADDR})
        service = harness.service_section(monitor="vp")
        if holidays:
            service["holidays"] = [str(self.ws.write("holidays.toml", holidays))]
        self.ws.write_config(harness.main_config_text(
            service=service,
            email_={"transport": "maildir", "from": FROM_HEADER, "maildir": "outbox"},
            units=units) + "\n" + harness.toml_table("http", http_cfg) + self.office_tables(office))
        self.ws.write_plan("p1.toml", harness.plan_text(harness.default_plan("p1"), tasks))
        d = self.start_daemon()
        harness.wait_until(lambda: self.try_get("/healthz") == 200, 15,
                           desc="the HTTP listener", daemons=[d])
        return d

    def office_tables(self, office):
        """[http.office.ID] tables of `office` ({id: name}), each with a token of its own in
        self.office_tokens."""
        self.office_tokens = {}
        out = ""
        for account, name in (office or {}).items():
            token = b64url(os.urandom(24))
            self.office_tokens[account] = token
            path = self.ws.write(f"office-{account}.token", token + "\n")
            out += (f"\n[http.office.{account}]\nname = {json.dumps(name, ensure_ascii=False)}\n"
                    f"token_file = {json.dumps(str(path))}\n")
        return out

    def request(self, method, path, body=None, headers=None):
        """(status, {lower-case header: value}, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def try_get(self, path):
        try:
            return self.request("GET", path)[0]
        except OSError:
            return None

    def checked(self, method, path, status, body=None, headers=None, security=True):
        got, hdrs, raw = self.request(method, path, body, headers)
        self.assertEqual(got, status, f"{method} {path[:80]}: {raw[:300]!r}")
        for name, value in SECURITY_HEADERS.items() if security else ():
            self.assertEqual(hdrs.get(name), value, f"{name} on {method} {path[:40]} ({got})")
        return hdrs, raw

    def status(self, code, auth=None):
        hdrs, raw = self.checked("GET", "/status", code,
                                 headers={"Authorization": auth} if auth else None)
        self.assertIn("default-src 'none'", hdrs.get("content-security-policy", ""))
        return hdrs, raw.decode("utf-8")

    def feed(self, unit, code=200, token=None):
        token = feed_token(self.key, unit) if token is None else token
        return self.checked("GET", f"/calendar/{unit}.ics?token={token}", code,
                            security=code != 200)

    def wait_mail(self, unit, d, task, timeout=30):
        """(ack links, feed links) of the first reminder to `unit` whose Message-ID has
        `task` (others, e.g. overdue notices of other tasks, are skipped)."""
        def found():
            return [m for m in harness.outbox_mails_to(self.ws.state_dir, ADDR[unit])
                    if f".{task}." in str(m["Message-ID"])]

        msg = harness.wait_until(found, timeout, desc=f"a reminder to {unit}", daemons=[d])[0]
        body = harness.text_body(msg).replace("\r\n", "\n")
        return ACK_LINK.findall(body), FEED_LINK.findall(body)

    @staticmethod
    def table(page, tid):
        """Rows (lists of unescaped cell texts) of <table id=tid>; None when absent."""
        m = re.search(rf'<table[^>]*\bid="{tid}"[^>]*>(.*?)</table>', page, re.S)
        if not m:
            return None
        rows = [[html.unescape(re.sub(r"<[^>]*>", "", c)).strip()
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
                for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", m.group(1), re.S)]
        return [r for r in rows if r]

    @staticmethod
    def desk(page):
        """{occurrence title: (count text, {unit name: (state code, state text, who, note)})}
        of the desk's articles."""
        def text(fragment):
            return html.unescape(re.sub(r"<[^>]*>", "", fragment or "")).strip()
        out = {}
        for art in re.findall(r'<article class="occurrence">(.*?)</article>', page, re.S):
            title = text(re.search(r"<h3>(.*?)</h3>", art, re.S).group(1))
            count = text(re.search(r'<span class="count">(.*?)</span>', art, re.S).group(1))
            units = {}
            for code, item in re.findall(r'<li class="st-([a-z-]+)">(.*?)</li>', art, re.S):
                name = text(re.search(r'<span class="unit">(.*?)</span>', item, re.S).group(1))
                state = text(re.search(r'<span class="state">(.*?)</span>', item, re.S).group(1))
                who = re.search(r'<div class="muted">(.*?)</div>', item, re.S)
                note = re.search(r'<div class="note">(.*?)</div>', item, re.S)
                units[name] = (code, state, text(who and who.group(1)),
                               text(note and note.group(1)))
            out[title] = (count, units)
        return out

    @staticmethod
    def outside_details(page):
        """The page without its <details> elements: what is visible without opening one."""
        return re.sub(r"<details.*?</details>", "", page, flags=re.S)

    # -- status page

    def test_status_auth(self):
        due = harness.now_utc() + dt.timedelta(days=3)
        task = {"id": "bao-cao", "title": "Báo cáo", "responsible": ["phong-a"], "due": due}
        d = self.start([task])
        for auth in (None, f"Bearer {self.admin}x", "Bearer " + self.admin[:-1], "Bearer ",
                     "Basic " + base64.b64encode(f"{self.admin}:x".encode()).decode(),
                     "Basic " + base64.b64encode(f"u:{self.admin}!".encode()).decode(),
                     "Basic !!!", self.admin):
            with self.subTest(auth=auth):
                hdrs, _ = self.status(401, auth)
                self.assertTrue(hdrs.get("www-authenticate", "").startswith(
                    'Basic realm="deadlined"'), hdrs)
        self.status(200, f"Bearer {self.admin}")
        # HEAD of the desk (built on the background thread): its status and length, no body.
        got, hdrs, raw = self.request("HEAD", "/status", headers={"Authorization":
                                                                   f"Bearer {self.admin}"})
        self.assertEqual((got, raw), (200, b""))
        self.assertGreater(int(hdrs.get("content-length", "0")), 1000, hdrs)
        for user in ("anyuser", "vanphong", ""):
            basic = base64.b64encode(f"{user}:{self.admin}".encode()).decode()
            hdrs, page = self.status(200, f"Basic {basic}")
            self.assertIn("text/html", hdrs.get("content-type", ""))
            self.assertIn("Báo cáo", html.unescape(page), "the upcoming reminder is listed")
        d.stop()

        d = self.start([task], admin=False)
        for auth in (None, f"Bearer {self.admin}"):
            hdrs, _ = self.status(404, auth)
            self.assertNotIn("www-authenticate", hdrs, "no challenge when the page is off")
        d.stop()

    def test_office_accounts_log_in_with_their_own_tokens(self):
        due = harness.now_utc() + dt.timedelta(days=3)
        task = {"id": "bao-cao", "title": "Báo cáo", "responsible": ["phong-a"], "due": due}
        office = {"nguyen-thi-hang": "Nguyễn Thị Hằng", "tran-van-binh": "Trần Văn Bình"}
        d = self.start([task], admin=False, office=office)
        for account, name in office.items():
            token = self.office_tokens[account]
            for auth in (f"Bearer {token}",
                         "Basic " + base64.b64encode(f"{account}:{token}".encode()).decode()):
                _, page = self.status(200, auth)
                self.assertIn(f"Đăng nhập: {name}.", html.unescape(page))
        for auth in (None, f"Bearer {self.admin}", f"Bearer {self.office_tokens['tran-van-binh']}x"):
            self.status(401, auth)
        d.stop()

    def desk_form(self, page, unit):
        """The fields of the desk's form for `unit` (its hidden and default values)."""
        for form in re.findall(r'<form method="post" action="/status/confirm">(.*?)</form>',
                               page, re.S):
            fields = {html.unescape(n): html.unescape(v) for n, v in
                      re.findall(r'<input[^>]*name="([^"]*)"[^>]*value="([^"]*)"', form)}
            if fields.get("unit") == unit:
                return fields
        return None

    def test_office_confirms_and_reopens_on_the_desk(self):
        now = harness.now_utc().replace(microsecond=0)
        due = now + dt.timedelta(days=3)
        d = self.start([{"id": "bao-cao", "title": "Báo cáo quý", "responsible": sorted(ADDR),
                         "due": due, "leads": ["1d"]}],
                       office={"nguyen-thi-hang": "Nguyễn Thị Hằng"})
        hang = {"Authorization": f"Bearer {self.office_tokens['nguyen-thi-hang']}"}
        admin = {"Authorization": f"Bearer {self.admin}"}
        day = due.astimezone(VN_TZ).date().isoformat()
        period = f"from={day}&to={day}"
        page = self.checked("GET", f"/status?{period}", 200, headers=hang)[1].decode()
        fields = self.desk_form(page, "phong-a")
        self.assertIsNotNone(fields, page)
        self.assertEqual((fields["plan"], fields["task"], fields["action"], fields["back"]),
                         ("p1", "bao-cao", "confirm", period))
        received = (now - dt.timedelta(hours=2)).astimezone(VN_TZ)
        note = "Nhận qua hệ thống quản lý văn bản điều hành"
        form = dict(fields, document="45/BC-PKHTC", note=note,
                    received=received.strftime("%Y-%m-%dT%H:%M"))
        form_headers = {"Content-Type": "application/x-www-form-urlencoded",
                        "Origin": self.public}

        def post(values, status, headers):
            return self.checked("POST", "/status/confirm", status,
                                urllib.parse.urlencode(values).encode(),
                                dict(form_headers, **headers))

        # Refused: no login, another account's token for this form, another origin, a
        # forged or missing CSRF token, a receipt in the future, a unit without a part.
        post(form, 401, {})
        post(form, 403, admin)
        post(form, 403, dict(hang, Origin="https://evil.example"))
        post(dict(form, csrf=form["csrf"][:-2] + "xx"), 403, hang)
        post({k: v for k, v in form.items() if k != "csrf"}, 403, hang)
        future = (now + dt.timedelta(hours=2)).astimezone(VN_TZ).strftime("%Y-%m-%dT%H:%M")
        post(dict(form, received=future), 400, hang)
        post(dict(form, unit="vp"), 404, hang)
        self.assertEqual(harness.confirmations(self.ws.state_dir), [], "nothing recorded")
        self.checked("GET", "/status/confirm", 405, headers=hang)

        hdrs, _ = post(form, 303, hang)
        self.assertEqual(hdrs.get("location"), f"{self.public}/status?{period}")
        post(form, 303, hang)  # a second click records nothing more
        rows = harness.confirmations(self.ws.state_dir)
        self.assertEqual(len(rows), 1, rows)
        row = rows[0]
        self.assertEqual((row["unit"], row["action"], row["actor"], row["origin"], row["note"],
                          row["document"]),
                         ("phong-a", "confirm", "office:nguyen-thi-hang", "127.0.0.1", note,
                          "45/BC-PKHTC"))
        self.assertEqual(row["received_at"], int(received.replace(second=0).timestamp()))
        self.assertGreaterEqual(row["at"], int(now.timestamp()))

        page = self.checked("GET", f"/status?{period}", 200, headers=hang)[1].decode()
        count, units = self.desk(page)["Báo cáo quý"]
        self.assertEqual(count, "1/2 đơn vị đã hoàn thành")
        code, state, who, shown_note = units[NAMES["phong-a"]]
        self.assertEqual((code, state, shown_note), ("on-time", "Hoàn thành đúng hạn", note))
        self.assertTrue(who.startswith(
            f"Đã nhận báo cáo số 45/BC-PKHTC lúc {when(received.replace(second=0))}; "
            "Văn phòng ghi nhận (Nguyễn Thị Hằng) lúc "), who)
        again = self.desk_form(page, "phong-a")
        self.assertEqual(again["action"], "reopen")

        post(dict(again, note="Thiếu phụ lục số liệu"), 303, hang)
        rows = harness.confirmations(self.ws.state_dir)
        self.assertEqual([(r["action"], r["actor"], r["note"]) for r in rows],
                         [("confirm", "office:nguyen-thi-hang", note),
                          ("reopen", "office:nguyen-thi-hang", "Thiếu phụ lục số liệu")])
        page = self.checked("GET", f"/status?{period}", 200, headers=hang)[1].decode()
        self.assertEqual(self.desk(page)["Báo cáo quý"][1][NAMES["phong-a"]][0], "open")
        d.stop()

    def test_a_report_received_before_the_deadline_is_on_time_though_recorded_after(self):
        now = harness.now_utc().replace(microsecond=0, second=0)
        due = now - dt.timedelta(hours=1)
        d = self.start([{"id": "bao-cao", "title": "Báo cáo tuần", "responsible": ["phong-a"],
                         "due": due, "leads": ["1d"]}],
                       office={"nguyen-thi-hang": "Nguyễn Thị Hằng"})
        hang = {"Authorization": f"Bearer {self.office_tokens['nguyen-thi-hang']}"}
        day = due.astimezone(VN_TZ).date().isoformat()
        page = self.checked("GET", f"/status?from={day}&to={day}", 200, headers=hang)[1].decode()
        received = (now - dt.timedelta(hours=3)).astimezone(VN_TZ)
        form = dict(self.desk_form(page, "phong-a"), document="12/BC-PKHTC",
                    received=received.strftime("%Y-%m-%dT%H:%M"))
        self.checked("POST", "/status/confirm", 303, urllib.parse.urlencode(form).encode(),
                     {"Content-Type": "application/x-www-form-urlencoded",
                      "Origin": self.public, **hang})
        page = self.checked("GET", f"/status?from={day}&to={day}", 200, headers=hang)[1].decode()
        self.assertEqual(self.desk(page)["Báo cáo tuần"][1][NAMES["phong-a"]][:2],
                         ("on-time", "Hoàn thành đúng hạn"))
        r = harness.run_cli(["report", "-c", self.ws.config_path, "--from", day, "--to", day,
                             "--format", "json"], cwd=self.ws.root)
        self.assertEqual(r.returncode, 0, r.stderr)
        row = {u["unit"]: u for u in json.loads(r.stdout)}["phong-a"]
        self.assertEqual((row["assigned"], row["on_time"], row["late"]), (1, 1, 0), row)
        d.stop()

    def test_status_content(self):
        title = 'Báo cáo <script>alert("x")</script> & số liệu'
        due = dt.datetime.fromtimestamp(int(time.time()) + 3600, UTC)
        d = self.start([{"id": "bao-cao", "title": title, "responsible": sorted(ADDR),
                         "due": due, "leads": ["2h", "30s"]}])
        key = {u: harness.reminder_key("p1", "bao-cao", due, "2h", u) for u in ADDR}
        links, feeds = self.wait_mail("phong-a", d, "bao-cao")
        self.wait_mail("phong-b", d, "bao-cao")
        self.assertEqual(len(links), 1, links)
        self.assertEqual(feeds, [f"{self.public}/calendar/phong-a.ics?token="
                                 f"{feed_token(self.key, 'phong-a')}"], "feed URL line")
        auth = f"Bearer {self.admin}"

        def delivered():
            rows = self.table(self.status(200, auth)[1], "recent") or []
            return {u for u in ADDR if any(key[u] in r[1] and r[2] == "Đã gửi" for r in rows)}

        harness.wait_until(lambda: delivered() == set(ADDR), 20,
                           desc="both caught-up reminders in the recent table", daemons=[d])

        path = urllib.parse.urlsplit(links[0][0]).path
        page = self.checked("GET", path, 200)[1].decode()
        field = re.search(r'<input[^>]*name="csrf"[^>]*>', page)
        self.assertIsNotNone(field, page)
        csrf = html.unescape(re.search(r'value="([^"]*)"', field.group(0)).group(1))
        self.checked("POST", path, 303, urllib.parse.urlencode({"csrf": csrf}).encode(),
                     {"Content-Type": "application/x-www-form-urlencoded",
                      "Origin": self.public})

        _, page = self.status(200, auth)
        self.assertIn("&lt;script&gt;", page, "the title is HTML-escaped")
        self.assertNotIn("<script", page.lower(), "no raw markup from the title")
        desk = self.desk(page)
        self.assertIn(title, desk, page)
        count, units = desk[title]
        self.assertEqual(count, "1/2 đơn vị đã hoàn thành")
        self.assertEqual(set(units), set(NAMES.values()), units)
        code, state, who, _ = units[NAMES["phong-a"]]
        self.assertEqual((code, state), ("on-time", "Hoàn thành đúng hạn"), units)
        self.assertTrue(who.startswith("Xác nhận lúc ") and
                        who.endswith(", đơn vị xác nhận qua liên kết"), who)
        code, state, who, _ = units[NAMES["phong-b"]]
        self.assertEqual(code, "open", units)
        self.assertTrue(state.startswith("Đang thực hiện, "), state)
        self.assertEqual(who, "", "nothing recorded for phong-b")
        # Keys and stage codes are for the operator, inside details elements only.
        visible = self.outside_details(page)
        for u in ADDR:
            self.assertNotIn(key[u], visible)
        self.assertNotIn("p1.bao-cao.", visible)

        upcoming = self.table(page, "upcoming")
        self.assertIsNotNone(upcoming, page)
        # The stage by its Vietnamese name, as people read it.
        self.assertIn([when(due - dt.timedelta(seconds=30)), title, "trước 30 giây", NAMES["phong-b"]],
                      [r[:4] for r in upcoming], "b's next stage is upcoming")
        recent = self.table(page, "recent")
        for u in ADDR:
            self.assertTrue(any(r[1].startswith(f"{title} – {NAMES[u]}, trước 2 giờ") and
                                key[u] in r[1] and r[2] == "Đã gửi" for r in recent), recent)
        d.stop()

    def test_desk_four_states_counts_and_filters(self):
        now = harness.now_utc().replace(microsecond=0)
        past, future = now - dt.timedelta(days=1), now + dt.timedelta(days=3)
        tasks = [{"id": "qua-han", "title": "Báo cáo đã đến hạn", "responsible": sorted(ADDR),
                  "due": past, "leads": ["1d"]},
                 {"id": "sap-toi", "title": "Báo cáo sắp đến hạn", "responsible": sorted(ADDR),
                  "due": future, "leads": ["1d"]}]
        d = self.start(tasks)
        note = "Đã gửi Báo cáo số 45/BC-PA ngày hôm nay"
        for task, due in (("qua-han", past), ("sap-toi", future)):
            r = harness.run_cli(["ack", "-c", self.ws.config_path, "--plan", "p1", "--task", task,
                                 "--occurrence", due.astimezone(VN_TZ).strftime("%Y%m%d"),
                                 "--unit", "phong-a", "--note", note], cwd=self.ws.root)
            self.assertEqual(r.returncode, 0, r.stderr)
        # Working days counted independently, from the holiday list `deadlined holidays` prints.
        past_day, today = past.astimezone(VN_TZ).date(), now.astimezone(VN_TZ).date()
        self.load_days({str(past_day.year), str(today.year)})
        late_days = sum(1 for i in range(1, (today - past_day).days + 1)
                        if self.working(past_day + dt.timedelta(days=i)))
        left_days = sum(1 for i in range(1, (future.astimezone(VN_TZ).date() - today).days + 1)
                        if self.working(today + dt.timedelta(days=i)))
        period = (f"from={past_day.isoformat()}&"
                  f"to={future.astimezone(VN_TZ).date().isoformat()}")
        auth = {"Authorization": f"Bearer {self.admin}"}

        def desk(query):
            return self.desk(self.checked("GET", f"/?{query}", 200, headers=auth)[1].decode())

        def days(n, zero):
            return f" {n} ngày làm việc" if n else zero

        page = desk(period)
        self.assertEqual(list(page), ["Báo cáo đã đến hạn", "Báo cáo sắp đến hạn"],
                         "the occurrence with a unit overdue comes first")
        a, b = NAMES["phong-a"], NAMES["phong-b"]
        count, units = page["Báo cáo đã đến hạn"]
        self.assertEqual(count, "1/2 đơn vị đã hoàn thành")
        self.assertEqual(list(units), [b, a], "overdue first within the occurrence")
        self.assertEqual(units[b][:2], ("overdue", "Quá hạn" + days(late_days, " từ hôm nay")))
        self.assertEqual(units[a][:2],
                         ("late", "Hoàn thành quá hạn" + days(late_days, " trong ngày hết hạn")))
        self.assertIn("Văn phòng ghi nhận bằng dòng lệnh (", units[a][2])
        self.assertEqual(units[a][3], note)
        count, units = page["Báo cáo sắp đến hạn"]
        self.assertEqual(count, "1/2 đơn vị đã hoàn thành")
        self.assertEqual(units[a][:2], ("on-time", "Hoàn thành đúng hạn"))
        self.assertEqual(units[b][:2], ("open", "Đang thực hiện" +
                                        (f", còn {left_days} ngày làm việc" if left_days
                                         else ", hạn là hôm nay")))

        only_overdue = desk(period + "&state=overdue")
        self.assertEqual({t: list(u) for t, (_, u) in only_overdue.items()},
                         {"Báo cáo đã đến hạn": [b]})
        self.assertEqual(only_overdue["Báo cáo đã đến hạn"][0], "1/2 đơn vị đã hoàn thành",
                         "the count is of the whole occurrence, not of the filter")
        only_a = desk(period + "&unit=phong-a")
        self.assertEqual({t: list(u) for t, (_, u) in only_a.items()},
                         {"Báo cáo đã đến hạn": [a], "Báo cáo sắp đến hạn": [a]})
        self.assertEqual(desk(period + "&plan=khong-co"), {}, "an unknown plan shows nothing")
        # Without a period: what the Office follows now (reminders begun, the chase not
        # over), the same states; the task whose first reminder is still to come is not there.
        followed = desk("")
        self.assertEqual(list(followed), ["Báo cáo đã đến hạn"])
        self.assertEqual(followed["Báo cáo đã đến hạn"][1][b][0], "overdue")
        # `/` and `/status` are the same desk, behind the same login.
        self.checked("GET", "/", 401)
        d.stop()

    # -- calendar feeds

    def load_days(self, years):
        self.off, self.work = set(), set()
        for year in years:
            r = harness.run_cli(["holidays", "--year", year, "--format", "json", "-c",
                                 self.ws.config_path], cwd=self.ws.root)
            self.assertEqual(r.returncode, 0, r.stderr)
            for day in json.loads(r.stdout):
                (self.work if day["kind"] == "swap_work" else self.off).add(
                    dt.date.fromisoformat(day["date"]))

    def working(self, day):
        return day in self.work or (day.weekday() < 5 and day not in self.off)

    def monthly_dues(self, now):
        """{occurrence id: (name, due)} of the monthly "day 20" task from 3 months ago."""
        out = {}
        y, m = now.year, now.month - 3
        while True:
            y, m = (y + 1, m - 12) if m > 12 else (y - 1, m + 12) if m < 1 else (y, m)
            day = dt.date(y, m, 20)
            if day > (now + dt.timedelta(days=402)).date():
                return out
            while not self.working(day):
                day += dt.timedelta(days=1)
            due = dt.datetime.combine(day, dt.time(17, 0), VN_TZ).astimezone(UTC)
            out[f"{y}-{m:02d}"] = (f"tháng {m}/{y}", due)
            m += 1

    def chased(self, due, today):
        """Whether `today` is within 20 working days after the due day."""
        day, n = due.astimezone(VN_TZ).date(), 0
        while n < 20:
            day += dt.timedelta(days=1)
            n += self.working(day)
        return today <= day

    def test_ics_feeds(self):
        now = harness.now_utc()
        # A weekend 20th ahead, made a worked day (làm bù): that deadline stays on it.
        sat = next(d for d in (now.date() + dt.timedelta(days=i) for i in range(3, 390))
                   if d.day == 20 and d.weekday() >= 5)
        holidays = (f'[[decision]]\nyear = {sat.year}\noccasion = "tet-duong-lich"\n'
                    f'source = "Thông báo thử nghiệm"\noff = [{sat.year}-01-01]\n'
                    f"work = [{sat.isoformat()}]\n")
        one_due = now + dt.timedelta(days=3)
        one_title = ('Báo cáo "quý"; số liệu, đất đai <b>và</b> môi trường của các phòng '
                     'chuyên môn thuộc Sở')
        lead = f"{int((one_due - now).total_seconds()) - 4}s"  # fires in about 4 s
        tasks = [{"id": "bao-cao", "title": one_title, "responsible": ["phong-a"],
                  "coordinating": ["phong-b"], "due": one_due, "leads": [lead]},
                 {"id": "thang", "title": "Báo cáo tình hình", "responsible": ["phong-a"],
                  "recur": "monthly", "due": "day 20"}]
        d = self.start(tasks, holidays=holidays)
        self.load_days(range(now.year - 1, now.year + 3))
        self.assertIn(sat, self.work, "the worked weekend day from the holidays file")
        today = now.astimezone(VN_TZ).date()
        one_occ = one_due.astimezone(VN_TZ).strftime("%Y%m%d")
        expires = lambda due: int(due.timestamp()) + 30 * 86400  # noqa: E731
        link = {u: f"{self.public}/ack/" + sign(self.key, "p1", "bao-cao", one_occ, u,
                                                expires(one_due)) for u in ADDR}
        want = {u: {f"p1.bao-cao.{one_occ}.{u}@deadlined":
                    (f"Hạn: {one_title}", one_due, link[u])} for u in ADDR}
        absent, either = set(), set()  # either: too close to a boundary to tell
        horizon, day = now + dt.timedelta(days=400), dt.timedelta(days=1)
        for occ, (name, due) in self.monthly_dues(now).items():
            uid = f"p1.thang.{occ}.phong-a@deadlined"
            if due > horizon + dt.timedelta(hours=1) or (
                    due <= now and not self.chased(due, today - day)):
                absent.add(uid)  # beyond the horizon, or no longer chased
            elif not (now < due <= horizon - dt.timedelta(hours=1) or (
                    due <= now and self.chased(due, today + day))):
                either.add(uid)
            else:
                url = f"{self.public}/ack/" + sign(self.key, "p1", "thang", occ, "phong-a",
                                                   expires(due))
                want["phong-a"][uid] = (f"Hạn: Báo cáo tình hình {name}", due, url)
        self.assertIn(dt.datetime.combine(sat, dt.time(17), VN_TZ),
                      [w[1] for w in want["phong-a"].values()], "a deadline on the worked day")

        # The reminder carries the same links the feed has.
        links, feeds = self.wait_mail("phong-a", d, "bao-cao")
        self.assertEqual([l[0] for l in links], [link["phong-a"]], "confirmation link")
        self.assertEqual(feeds, [f"{self.public}/calendar/phong-a.ics?token="
                                 f"{feed_token(self.key, 'phong-a')}"], "feed URL line")

        def events(unit):
            hdrs, raw = self.feed(unit)
            self.assertEqual(hdrs.get("content-type"), "text/calendar; charset=utf-8")
            self.assertTrue(raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b""),
                            "CRLF line ends")
            for line in raw.split(b"\r\n"):
                self.assertLessEqual(len(line), 75, f"line longer than 75 octets: {line!r}")
            cal = icalendar.Calendar.from_ical(raw)
            self.assertEqual(str(cal.get("VERSION")), "2.0")
            self.assertTrue(str(cal.get("PRODID", "")), "PRODID")
            out = {str(ev.get("UID")): ev for ev in cal.walk("VEVENT")}
            self.assertEqual(len(out), len(cal.walk("VEVENT")), "one VEVENT per UID")
            return out, raw

        for unit in ADDR:
            got, raw = events(unit)
            self.assertTrue(any(len(l) == 75 for l in raw.split(b"\r\n")), "a folded line")
            self.assertEqual(set(got) & absent, set(), "no deadline beyond 400 days or no "
                             f"longer chased (today {today}); events: {sorted(got)}")
            known = set(want[unit]) | (either if unit == "phong-a" else set())
            self.assertEqual(set(want[unit]) - set(got), set(), f"{unit}'s missing UIDs")
            self.assertEqual(set(got) - known, set(), f"unexpected events for {unit}")
            for uid, (summary, due, url) in want[unit].items():
                ev = got[uid]
                with self.subTest(unit=unit, uid=uid):
                    self.assertEqual(ev.decoded("DTEND"), due)
                    self.assertIn(f"DTEND:{due:%Y%m%dT%H%M%S}Z\r\n".encode(), raw, "in UTC")
                    self.assertEqual(ev.decoded("DTSTART"), due - dt.timedelta(minutes=30))
                    self.assertEqual(str(ev.get("SUMMARY")), summary)
                    self.assertEqual(str(ev.get("URL")), url)
                    self.assertIn(PLAN_TITLE, str(ev.get("DESCRIPTION")))
                    self.assertIn(url, str(ev.get("DESCRIPTION")))
            role = "Chủ trì" if unit == "phong-a" else "Phối hợp"
            self.assertIn(role, str(got[f"p1.bao-cao.{one_occ}.{unit}@deadlined"]
                                    .get("DESCRIPTION")), "role in the description")

        for bad in ("", "x", feed_token(self.key, "phong-b"), feed_token(b"k" * 40, "phong-a"),
                    feed_token(self.key, "phong-a")[:-1]):
            with self.subTest(bad_token=bad):
                self.feed("phong-a", 404, token=bad)
        self.checked("GET", "/calendar/phong-a.ics", 404)
        self.feed("zz", 404)
        self.checked("GET", f"/calendar/phong-a?token={feed_token(self.key, 'phong-a')}", 404)

        r = harness.run_cli(["ack", "-c", self.ws.config_path, "--plan", "p1", "--task",
                             "bao-cao", "--occurrence", one_occ, "--unit", "phong-a"],
                            cwd=self.ws.root)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        a_uid, b_uid = (f"p1.bao-cao.{one_occ}.{u}@deadlined" for u in ("phong-a", "phong-b"))
        got = events("phong-a")[0]
        self.assertNotIn(a_uid, got, "confirmed: gone from a's feed")
        self.assertEqual(set(want["phong-a"]) - {a_uid}, set(got) - either, "the rest stays")
        self.assertIn(b_uid, events("phong-b")[0], "still in b's feed")
        d.stop()


if __name__ == "__main__":
    harness.main()
