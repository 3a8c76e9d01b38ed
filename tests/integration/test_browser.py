#!/usr/bin/python3
"""The confirmation link, the request for more time and the Office's desk in a real browser.

Debian's headless Chromium (/usr/bin/chromium), driven by tests/browser/ack_and_status.mjs
through playwright-core (`npm ci --prefix tests/browser`; Playwright's own browsers are never
downloaded), in one run against one daemon:
 - opens unit a's confirmation link from its reminder, types a Vietnamese note, presses
   "Xác nhận đã hoàn thành", sees "Đã xác nhận hoàn thành" and the note;
 - opens unit d's link, asks under "Đề nghị gia hạn" for more time until the first working day
   after the deadline (from the config's workdays and the holidays `deadlined holidays` lists),
   with a reason, and sees "Đơn vị đã đề nghị gia hạn đến ngày …";
 - logs in to /status with HTTP Basic (any user, the admin token) at 1280 px and finds a
   "Hoàn thành đúng hạn" through the link, b "Đang thực hiện", d's request in section#requests;
   no sideways scrolling at 390 px;
 - at 1280 px records c's report under "Ghi nhận thay đơn vị" (document number, note) and sees
   "Đã nhận báo cáo số …" with the note and "Mở lại";
 - on d's line changes the date to the next working day and presses "Đồng ý gia hạn": d's
   line says "Được gia hạn đến …", "Đang thực hiện, còn …"; d's page says the Office agreed;
 - at 390 px with every <details> open, still no sideways scrolling.
No console errors, page errors, CSP violations or unexpected HTTP errors are allowed.
Screenshots ack.png, ack-extension.png, ack-extension-approved.png, desk-1280.png,
desk-390.png, desk-office-confirm.png, desk-extension.png and desk-390-forms.png are kept in
BUILD_DIR/test-artifacts/browser/ (BUILD_DIR = the directory of --binary).

Afterwards: the journal holds two confirmations, a's by "link" with the note and c's by
"office:admin" with the document and the note; its extensions are d's request (by "link") and
the approval (by "office:admin", until the day chosen on the desk); d is mailed "Đồng ý gia
hạn …"; the next stage reaches b but not a.
"""

import base64
import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import harness
from harness import FROM_ADDR, FROM_HEADER, REPO_ROOT, VN_TZ, DaemonTestCase

CHROMIUM = "/usr/bin/chromium"
BROWSER_DIR = REPO_ROOT / "tests" / "browser"
SCRIPT = BROWSER_DIR / "ack_and_status.mjs"
PLAYWRIGHT = BROWSER_DIR / "node_modules" / "playwright-core" / "package.json"
NODE_CANDIDATES = ("/usr/bin/node", "/usr/bin/nodejs")

ADDR = {"phong-a": "a@stnmt.example.gov.vn", "phong-b": "b@stnmt.example.gov.vn",
        "phong-c": "c@stnmt.example.gov.vn", "phong-d": "d@stnmt.example.gov.vn"}
NAMES = {"phong-a": "Phòng Kế hoạch – Tài chính", "phong-b": "Phòng Quản lý đất đai",
         "phong-c": "Phòng Tài nguyên nước", "phong-d": "Phòng Môi trường"}
TITLE = 'Báo cáo <b>"quý I"</b> & số liệu thống kê đất đai'
NOTE = "Đã gửi Báo cáo số 125/BC-PKHTC ngày 05/3; kèm phụ lục <i>biểu mẫu</i> – Nguyễn Thị Hằng"
DOCUMENT = "45/BC-PTNN"
OFFICE_NOTE = "Văn thư nhận bản giấy sáng nay – Trần Văn Đức"
EXT_REASON = "Chờ số liệu quan trắc quý I của Trung tâm Quan trắc; đề nghị gia hạn thêm"
EXT_NOTE = "Đồng ý, gửi báo cáo trước 16 giờ"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday() order
APPROVAL_MAIL_WITHIN = 15  # seconds from the end of the browser run
LINK = re.compile(r"^(https?://\S+/ack/(\S+))$", re.M)

BROWSER_TIMEOUT = 60       # seconds for the whole node run
STAGE2_AFTER = 30          # seconds from start to the second reminder stage
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MIN_PNG_BYTES = 5 * 1024


def artifact_dir() -> Path:
    """BUILD_DIR/test-artifacts/browser, BUILD_DIR being the directory of the binary under
    test (build/ for build/deadlined, so REPO_ROOT/build/test-artifacts/browser)."""
    return Path(harness.binary()).resolve().parent / "test-artifacts" / "browser"


def node_binary():
    for candidate in NODE_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("node")


def node_major(node) -> int:
    try:
        out = subprocess.run([node, "--version"], capture_output=True, timeout=10).stdout
        return int(out.decode().strip().lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return 0


def png_size(path: Path) -> tuple:
    """(width, height) from the IHDR chunk of a PNG file."""
    data = path.read_bytes()[:24]
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


class BrowserTest(DaemonTestCase):

    def setUp(self):
        super().setUp()
        missing = []
        if not os.access(CHROMIUM, os.X_OK):
            missing.append(f"{CHROMIUM} (apt-get install chromium)")
        node = node_binary()
        if node is None:
            missing.append("Node.js 20 or later (/usr/bin/node)")
        elif node_major(node) < 20:
            missing.append(f"Node.js 20 or later for playwright-core ({node} is older)")
        if not PLAYWRIGHT.is_file():
            missing.append(f"{PLAYWRIGHT.parent} (run `npm ci --prefix tests/browser`)")
        if missing:
            self.fail("the browser test needs: " + "; ".join(missing))

    # -- helpers

    def mails_to(self, unit):
        return harness.outbox_mails_to(self.ws.state_dir, ADDR[unit])

    def wait_mails(self, unit, n, timeout, d):
        return harness.wait_until(lambda: len(self.mails_to(unit)) >= n, timeout,
                                  desc=f"{n} reminder(s) to {unit}", daemons=[d])

    def link_of(self, msg):
        body = harness.text_body(msg).replace("\r\n", "\n")
        links = LINK.findall(body)
        self.assertEqual(len(links), 1, f"one bare link line in the body:\n{body}")
        return links[0][0]

    def working_days_after(self, day: dt.date, n: int) -> list:
        """The first n working days after `day`: a weekday of the config's workdays that
        `deadlined holidays` does not list off, or a worked swap day it lists."""
        workdays = set(harness.service_section()["workdays"])
        off, worked = set(), set()
        for year in (day.year, day.year + 1):
            r = harness.run_cli(["holidays", "-c", self.ws.config_path, "--year", year,
                                 "--format", "json"], cwd=self.ws.root)
            self.assertEqual(r.returncode, 0, r.stderr.decode("utf-8", "replace"))
            for entry in json.loads(r.stdout):
                d = dt.date.fromisoformat(entry["date"])
                (worked if entry["kind"] == "swap_work" else off).add(d)
        out = []
        while len(out) < n:
            day += dt.timedelta(days=1)
            if day in worked or (WEEKDAYS[day.weekday()] in workdays and day not in off):
                out.append(day)
        return out

    def extensions(self):
        """The extensions table of the journal, oldest first."""
        con = sqlite3.connect(f"file:{self.ws.state_dir / 'journal.sqlite'}?mode=ro", uri=True,
                              timeout=5)
        try:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute("SELECT * FROM extensions ORDER BY id")]
        finally:
            con.close()

    def approvals_to(self, unit):
        return [m for m in self.mails_to(unit)
                if str(m["Subject"]).startswith("Đồng ý gia hạn")]

    def skip_lines(self, d, unit):
        return [l for l in harness.log_lines(d.log(), None, "skip", "has confirmed")
                if unit in l]

    def start(self):
        """Units phong-a to phong-d responsible, van-phong the monitor; one task due in an
        hour whose "2h" stage is caught up at start and whose second stage fires
        STAGE2_AFTER seconds from now."""
        self.port = harness.free_port()
        secret_file = self.ws.write(
            "link.key", base64.urlsafe_b64encode(os.urandom(30)).decode() + "\n")
        self.admin_token = base64.urlsafe_b64encode(os.urandom(24)).decode()
        token_file = self.ws.write("admin.token", self.admin_token + "\n")
        now = int(time.time())
        self.due = dt.datetime.fromtimestamp(now + 3600, dt.timezone.utc).astimezone(VN_TZ)
        self.stage2_at = now + STAGE2_AFTER
        leads = ["2h", f"{3600 - STAGE2_AFTER}s"]
        units = {"van-phong": {"name": "Văn phòng Sở", "email": [FROM_ADDR]}}
        units.update({u: {"name": NAMES[u], "email": [ADDR[u]]} for u in ADDR})
        http_cfg = {"listen": f"127.0.0.1:{self.port}", "secret_file": str(secret_file),
                    "admin_token_file": str(token_file)}
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(monitor="van-phong"),
            email_={"transport": "maildir", "from": FROM_HEADER, "maildir": "outbox"},
            units=units) + "\n" + harness.toml_table("http", http_cfg))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "bao-cao", "title": TITLE, "responsible": sorted(ADDR), "due": self.due,
              "leads": leads}]))
        return self.start_daemon()

    def run_browser(self, ack_url, ack_url_x, ask, grant, shots):
        env = dict(os.environ)
        env.update({
            "ACK_URL": ack_url,
            "ACK_URL_X": ack_url_x,
            "UNIT_X": NAMES["phong-d"],
            "ASK_UNTIL": ask.isoformat(),
            "GRANT_UNTIL": grant.isoformat(),
            "EXT_REASON": EXT_REASON,
            "EXT_NOTE": EXT_NOTE,
            "UNIT_C": NAMES["phong-c"],
            "DOCUMENT": DOCUMENT,
            "OFFICE_NOTE": OFFICE_NOTE,
            "UNITS_TOTAL": str(len(ADDR)),
            "STATUS_URL": f"http://127.0.0.1:{self.port}/status",
            "ADMIN_TOKEN": self.admin_token,
            "NOTE": NOTE,
            "SCREENSHOT_DIR": str(shots),
            "TASK_TITLE": TITLE,
            "UNIT_A": NAMES["phong-a"],
            "UNIT_B": NAMES["phong-b"],
            "CHROMIUM": CHROMIUM,
        })
        started = time.monotonic()
        try:
            r = subprocess.run([node_binary(), str(SCRIPT)], cwd=str(REPO_ROOT), env=env,
                               stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=BROWSER_TIMEOUT)
        except subprocess.TimeoutExpired as e:
            self.fail(f"the browser script did not finish within {BROWSER_TIMEOUT}s\n"
                      f"--- stdout ---\n{(e.stdout or b'').decode('utf-8', 'replace')}\n"
                      f"--- stderr ---\n{(e.stderr or b'').decode('utf-8', 'replace')}")
        elapsed = time.monotonic() - started
        out = r.stdout.decode("utf-8", "replace")
        err = r.stderr.decode("utf-8", "replace")
        lines = [l for l in out.splitlines() if l.startswith("{")]
        summary = json.loads(lines[-1]) if lines else None
        self.assertEqual(r.returncode, 0,
                         f"browser script exit {r.returncode} after {elapsed:.1f}s"
                         + (f": {summary.get('error')}" if summary else "")
                         + f"\n--- stdout ---\n{out}\n--- stderr ---\n{err}")
        self.assertIsNotNone(summary, f"no JSON summary on stdout:\n{out}\n{err}")
        self.assertIs(summary.get("ok"), True, out)
        print(f"\n[browser] {elapsed:.1f}s, {summary.get('browser')}: "
              f"ack={json.dumps(summary.get('ack'), ensure_ascii=False)} "
              f"status.a={json.dumps(summary['status']['a']['state'], ensure_ascii=False)} "
              f"status.b={json.dumps(summary['status']['b']['state'], ensure_ascii=False)} "
              f"status.c={json.dumps(summary['status']['c']['who'], ensure_ascii=False)} "
              f"status.d={json.dumps(summary['status']['x']['ext'], ensure_ascii=False)} "
              f"phone={summary['status']['phone']} "
              f"phone_forms={summary['status']['phone_forms']} "
              f"({summary['status']['details_opened']} details open)",
              flush=True)
        return summary

    # -- the test

    def test_confirm_in_browser_then_status_page(self):
        shots = artifact_dir()
        shots.mkdir(parents=True, exist_ok=True)
        for old in list(shots.glob("*.png")):
            old.unlink()

        d = self.start()
        for unit in ADDR:
            self.wait_mails(unit, 1, 20, d)
        ack_url = self.link_of(self.mails_to("phong-a")[0])
        ack_url_x = self.link_of(self.mails_to("phong-d")[0])
        for url in (ack_url, ack_url_x):
            self.assertTrue(url.startswith(f"http://127.0.0.1:{self.port}/ack/"), url)
        self.assertEqual(harness.confirmations(self.ws.state_dir), [], "nothing confirmed yet")
        # d asks for the first working day after the deadline; the Office grants the next one.
        ask, grant = self.working_days_after(self.due.date(), 2)

        self.run_browser(ack_url, ack_url_x, ask, grant, shots)
        browser_done = time.monotonic()

        for name in ("ack.png", "ack-extension.png", "ack-extension-approved.png",
                     "desk-1280.png", "desk-390.png", "desk-office-confirm.png",
                     "desk-extension.png", "desk-390-forms.png"):
            path = shots / name
            self.assertTrue(path.is_file(), f"{path} missing")
            with path.open("rb") as f:
                self.assertEqual(f.read(8), PNG_SIGNATURE, f"{path} is not a PNG")
            size = path.stat().st_size
            self.assertGreater(size, MIN_PNG_BYTES, f"{path}: only {size} bytes")
            width, height = png_size(path)
            self.assertGreaterEqual(width, 200, f"{path}: {width}x{height}")
            self.assertGreaterEqual(height, 200, f"{path}: {width}x{height}")

        occurrence = self.due.strftime("%Y%m%d")
        rows = harness.confirmations(self.ws.state_dir)
        self.assertEqual([r["unit"] for r in rows], ["phong-a", "phong-c"],
                         f"a's confirmation, then c's: {rows}")
        row = rows[0]
        self.assertEqual((row["plan"], row["task"], row["occurrence"], row["unit"],
                          row["action"], row["actor"], row["origin"], row["note"]),
                         ("p1", "bao-cao", occurrence, "phong-a", "confirm",
                          "link", "127.0.0.1", NOTE))
        self.assertEqual([r for r in rows if r["unit"] == "phong-b"], [], "nothing for b")
        office = rows[1]
        self.assertEqual((office["plan"], office["task"], office["occurrence"], office["unit"],
                          office["action"], office["actor"], office["origin"], office["note"],
                          office["document"]),
                         ("p1", "bao-cao", occurrence, "phong-c", "confirm", "office:admin",
                          "127.0.0.1", OFFICE_NOTE, DOCUMENT))
        # Received "now" as the form offers it (to the minute), not after the recording.
        self.assertIsNotNone(office["received_at"])
        self.assertLessEqual(office["received_at"], office["at"])
        self.assertGreater(office["received_at"], office["at"] - 300)

        ext = self.extensions()
        self.assertEqual([(e["plan"], e["task"], e["occurrence"], e["unit"], e["action"],
                           e["until"], e["actor"], e["origin"], e["note"]) for e in ext],
                         [("p1", "bao-cao", occurrence, "phong-d", "request", ask.isoformat(),
                           "link", "127.0.0.1", EXT_REASON),
                          ("p1", "bao-cao", occurrence, "phong-d", "approve", grant.isoformat(),
                           "office:admin", "127.0.0.1", EXT_NOTE)],
                         f"d's request, then the Office's approval: {ext}")
        # d hears of the decision by mail.
        harness.wait_until(lambda: self.approvals_to("phong-d"),
                           max(1.0, APPROVAL_MAIL_WITHIN - (time.monotonic() - browser_done)),
                           desc='the "Đồng ý gia hạn" mail to phong-d', daemons=[d])
        approval = self.approvals_to("phong-d")
        self.assertEqual(len(approval), 1, [str(m["Subject"]) for m in approval])
        self.assertIn(grant.strftime("%d/%m/%Y"), str(approval[0]["Subject"]))

        # The second stage: b is reminded again, a (confirmed) is not.
        # The confirmation must come before the second stage, or that stage proves nothing;
        # a browser this slow is a failure, not a silent pass (STAGE2_AFTER leaves it 30 s).
        self.assertLess(row["at"], self.stage2_at - 1,
                        f"confirmation at {row['at']} is not before stage 2 at {self.stage2_at}: "
                        "the browser took too long to confirm")
        self.assertEqual(len(self.mails_to("phong-a")), 1, "a reminded once before stage 2")
        self.wait_mails("phong-b", 2, STAGE2_AFTER + 15, d)
        harness.wait_until(lambda: self.skip_lines(d, "phong-a"), 10,
                           desc="skip line for phong-a", daemons=[d])
        harness.assert_holds(lambda: len(self.mails_to("phong-a")) == 1, 2,
                             desc="no second reminder to phong-a")
        self.assertEqual(self.skip_lines(d, "phong-b"), [], "no skip for phong-b")
        self.assertEqual(len(harness.confirmations(self.ws.state_dir)), 2,
                         "still two confirmations")
        d.stop()


if __name__ == "__main__":
    harness.main()
