#!/usr/bin/python3
"""The Office's desk: the on-time report for download (/status/report) and the record of
đôn đốc of one occurrence (/status/record), against one daemon that sends a reminder to a
real SMTP sink (aiosmtpd) and on whose desk the Office records a unit's report.

* /status/report: 401 with a Basic challenge without a login, 400 for an unknown plan or
  period; the month's CSV byte for byte as `deadlined report --format csv` writes it for the
  same window from the same journal, and the XLSX (read with Debian's python3-openpyxl)
  with the same figures; Content-Type, an ASCII Content-Disposition file name; HEAD with its
  length and no body; the desk's links to this month's, quarter's and year's files.
* /status/record: 401 without a login, 404 for an occurrence the task does not have; the
  reminder's attempt (time, unit, stage in Vietnamese, "Đã gửi", the address) and the
  Office's confirmation (who, the document, the note), under a heading with the plan, the
  task and the deadline; no key outside a details element; the desk links to it.
"""

import base64
import csv
import datetime as dt
import html
import http.client
import io
import json
import os
import re
import urllib.parse

import openpyxl

import harness
from harness import FROM_HEADER, VN_TZ, DaemonTestCase

ADDR = {"phong-a": "a@stnmt.example.gov.vn", "phong-b": "b@stnmt.example.gov.vn"}
NAMES = {"phong-a": "Phòng Kế hoạch – Tài chính", "phong-b": "Phòng Quản lý đất đai"}
PLAN_TITLE = "Kế hoạch thử nghiệm nhắc hạn"
TITLE = "Báo cáo tình hình thu gom chất thải"
ROMAN = ["I", "II", "III", "IV"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def when(t: dt.datetime) -> str:
    return t.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", " ", fragment))


class DeskRecordTest(DaemonTestCase):

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def checked(self, path, status, auth=True, method="GET"):
        got, hdrs, raw = self.request(method, path, headers=self.auth if auth else None)
        self.assertEqual(got, status, f"{method} {path}: {raw[:300]!r}")
        return hdrs, raw

    def start(self):
        smtp = self.smtp_sink()
        self.port = harness.free_port()
        self.public = f"http://127.0.0.1:{self.port}"
        token = b64url(os.urandom(24))
        self.auth = {"Authorization": f"Bearer {token}"}
        http_cfg = {"listen": f"127.0.0.1:{self.port}",
                    "secret_file": str(self.ws.write("link.key", b64url(os.urandom(30)) + "\n"))}
        office = (f"\n[http.office.nguyen-thi-hang]\nname = \"Nguyễn Thị Hằng\"\n"
                  f"token_file = {json.dumps(str(self.ws.write('hang.token', token + chr(10))))}\n")
        units = {"vp": {"name": "Văn phòng Sở", "email": ["vp@stnmt.example.gov.vn"]}}
        units.update({u: {"name": NAMES[u], "email": [ADDR[u]]} for u in ADDR})
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(monitor="vp"),
            email_={"transport": "smtp", "from": FROM_HEADER, "url": smtp.url,
                    "timeout": "10s"},
            units=units) + "\n" + harness.toml_table("http", http_cfg) + office)
        # The 2h reminder of TITLE goes out 3 s after the start; the second task, a day
        # later, adds a figure to the month's report.
        self.due = harness.due_firing_in(3)
        later = self.due + dt.timedelta(days=1)
        self.ws.write_plan("p1.toml", harness.plan_text(harness.default_plan("p1"), [
            {"id": "bao-cao", "title": TITLE, "responsible": sorted(ADDR), "due": self.due},
            {"id": "so-lieu", "title": "Số liệu bổ sung", "responsible": ["phong-b"],
             "due": later}]))
        d = self.start_daemon()
        harness.wait_until(lambda: self.try_status() == 401, 15, desc="the HTTP listener",
                           daemons=[d])
        keys = {harness.reminder_key("p1", "bao-cao", self.due, "2h", u) for u in ADDR}

        def delivered():
            rows = harness.journal_rows(self.ws.state_dir).values()
            return {r["reminder_key"] for r in rows if r["state"] == "delivered"} >= keys

        harness.wait_until(delivered, 20, desc="both reminders delivered", daemons=[d])
        self.assertTrue({a for m in smtp.reminders() for a in m.rcpt_tos} >= set(ADDR.values()))
        return d

    def try_status(self):
        try:
            return self.request("GET", "/status")[0]
        except OSError:
            return None

    def confirm_on_the_desk(self, day):
        page = self.checked(f"/status?from={day}&to={day}", 200)[1].decode()
        for form in re.findall(r'<form method="post" action="/status/confirm">(.*?)</form>',
                               page, re.S):
            fields = {html.unescape(n): html.unescape(v) for n, v in
                      re.findall(r'<input[^>]*name="([^"]*)"[^>]*value="([^"]*)"', form)}
            if fields.get("unit") == "phong-a" and fields.get("task") == "bao-cao":
                break
        else:
            self.fail(f"no form for phong-a: {page}")
        self.received = (harness.now_utc() - dt.timedelta(hours=1)).astimezone(VN_TZ)
        fields.update(document="45/BC-PKHTC", note="Nhận qua hệ thống văn bản điều hành",
                      received=self.received.strftime("%Y-%m-%dT%H:%M"))
        got, _, raw = self.request("POST", "/status/confirm",
                                   urllib.parse.urlencode(fields).encode(),
                                   {"Content-Type": "application/x-www-form-urlencoded",
                                    "Origin": self.public, **self.auth})
        self.assertEqual(got, 303, raw[:300])
        return self.checked(f"/status?from={day}&to={day}", 200)[1].decode()

    def test_report_download_and_record_of_an_occurrence(self):
        d = self.start()
        local_due = self.due.astimezone(VN_TZ)
        day = local_due.date().isoformat()
        desk = self.confirm_on_the_desk(day)
        self.check_downloads(desk, local_due)
        self.check_record(desk, local_due)
        d.stop()

    # -- the report for download

    def check_downloads(self, desk, local_due):
        # The desk offers this month's, quarter's and year's files, CSV and XLSX.
        today = dt.datetime.now(VN_TZ)
        quarter = (today.month - 1) // 3 + 1
        links = {html.unescape(h) for h in re.findall(r'href="(/status/report\?[^"]*)"', desk)}
        for period, at, name in (("month", today.strftime("%Y-%m"),
                                  f"tháng {today.month}/{today.year}"),
                                 ("quarter", f"{today.year}-Q{quarter}",
                                  f"quý {ROMAN[quarter - 1]}/{today.year}"),
                                 ("year", str(today.year), f"năm {today.year}")):
            for fmt in ("csv", "xlsx"):
                self.assertIn(f"/status/report?period={period}&at={at}&format={fmt}", links)
            self.assertIn(name, text_of(desk))
        self.assertIn("Tải báo cáo đúng hạn", desk)

        # The report of the month of the deadlines.
        month = local_due.strftime("%Y-%m")

        path = f"/status/report?period=month&at={month}&format=csv"
        hdrs, _ = self.checked(path, 401, auth=False)
        self.assertTrue(hdrs.get("www-authenticate", "").startswith("Basic "), hdrs)
        self.checked(path + "&plan=p9", 400)
        self.checked("/status/report?period=week&at=2026-W01&format=csv", 400)
        self.checked(f"/status/report?period=month&at={month}&format=pdf", 400)

        hdrs, got_csv = self.checked(path, 200)
        self.assertEqual(hdrs.get("content-type"), "text/csv; charset=utf-8")
        self.assertEqual(hdrs.get("content-disposition"),
                         f'attachment; filename="bao-cao-dung-han-{month}.csv"')
        first = local_due.date().replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        cli = harness.run_cli(["report", "-c", self.ws.config_path, "--from", first.isoformat(),
                               "--to", last.isoformat(), "--format", "csv"], cwd=self.ws.root)
        self.assertEqual(cli.returncode, 0, cli.stderr.decode())
        self.assertEqual(got_csv, cli.stdout, "the same report as `deadlined report`")
        rows = list(csv.reader(io.StringIO(got_csv.decode("utf-8")[1:], newline="")))
        units = {r[0]: r for r in rows[1:rows.index([])]}
        # phong-a: its report recorded before the deadline; phong-b: two open.
        self.assertEqual([int(x) for x in units["phong-a"][2:7]], [1, 1, 0, 0, 0])
        self.assertEqual([int(x) for x in units["phong-b"][2:7]], [2, 0, 0, 2, 0])

        got, hdrs, body = self.request("HEAD", path, headers=self.auth)
        self.assertEqual((got, body), (200, b""))
        self.assertEqual(int(hdrs.get("content-length")), len(got_csv))

        hdrs, raw = self.checked(f"/status/report?period=month&at={month}&format=xlsx&plan=p1",
                                 200)
        self.assertEqual(hdrs.get("content-type"), XLSX)
        self.assertEqual(hdrs.get("content-disposition"),
                         f'attachment; filename="bao-cao-dung-han-{month}-p1.xlsx"')
        book = openpyxl.load_workbook(io.BytesIO(raw))
        cells = [[c.value for c in row] for row in book["Theo đơn vị"].iter_rows()]
        header = next(i for i, row in enumerate(cells) if row[0] == "Mã đơn vị")
        sheet = {r[0]: r for r in cells[header + 1:] if r[0]}
        self.assertEqual(set(sheet), set(units))
        for unit, line in units.items():
            self.assertEqual(sheet[unit][2:7], [int(x) for x in line[2:7]], unit)

    # -- the record of one occurrence

    def check_record(self, desk, local_due):
        occurrence = local_due.strftime("%Y%m%d")
        path = f"/status/record?plan=p1&task=bao-cao&occurrence={occurrence}"
        self.assertIn(html.escape(path), desk, "the desk links to the record")
        hdrs, _ = self.checked(path, 401, auth=False)
        self.assertTrue(hdrs.get("www-authenticate", "").startswith("Basic "), hdrs)
        self.checked("/status/record?plan=p1&task=bao-cao&occurrence=19990101", 404)
        self.checked(f"/status/record?plan=p9&task=bao-cao&occurrence={occurrence}", 404)

        page = self.checked(path, 200)[1].decode()
        visible = re.sub(r"<details.*?</details>", "", page, flags=re.S)
        text = " ".join(text_of(visible).split())
        for needle in (PLAN_TITLE, TITLE, f"Hạn {when(self.due)}", "Trích xuất lúc"):
            self.assertIn(needle, text)
        items = re.findall(r"<li[^>]*>(.*?)</li>",
                           re.search(r'<ul[^>]*id="attempts"[^>]*>(.*?)</ul>', page, re.S).group(1),
                           re.S)
        attempts = [" ".join(text_of(re.sub(r"<details.*?</details>", "", i, flags=re.S)).split())
                    for i in items]
        for unit in ADDR:
            mine = [a for a in attempts if NAMES[unit] in a]
            self.assertEqual(len(mine), 1, attempts)
            for needle in ("trước 2 giờ", "Đã gửi", "Thư điện tử", ADDR[unit]):
                self.assertIn(needle, mine[0])
        self.assertIn("Xác nhận hoàn thành", text)
        self.assertIn("Văn phòng ghi nhận (Nguyễn Thị Hằng)", text)
        self.assertIn(f"Đã nhận báo cáo số 45/BC-PKHTC lúc {when(self.received.replace(second=0))}",
                      text)
        self.assertIn("Nhận qua hệ thống văn bản điều hành", text)
        self.assertIn("Chưa có xác nhận", text, "phong-b has recorded nothing")
        # Keys and stage codes only inside details elements.
        self.assertNotIn(f"p1.bao-cao.{occurrence}", visible)
        self.assertNotIn(">2h<", visible)
        self.assertIn(f"p1.bao-cao.{occurrence}.2h.phong-a", page)


if __name__ == "__main__":
    harness.main()
