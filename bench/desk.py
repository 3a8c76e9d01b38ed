#!/usr/bin/python3
"""The Office's desk at scale: the latency of `GET /status` with filters on a config of N
one-off tasks (100 plans, 50 units, one responsible unit each) whose deadlines fall from 60
days ago to 60 days ahead, a third of them confirmed in the journal.

    bench/desk.py BINARY WORK N [RUNS]

Prints one line per query: the median and the worst of RUNS requests, in milliseconds,
against the target of issue 17 (<= 300 ms with filters applied).
"""

import datetime as dt
import http.client
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (start_to_ready, stop)

PLANS = 100
UNITS = 50
TOKEN = "desk-bench-admin-token-0123456789"
TARGET_MS = 300


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def generate(out: Path, n: int, port: int) -> list:
    """Writes the config; returns the assignments (plan, task, occurrence, unit, due day)."""
    rng = random.Random(20261202)
    (out / "plans").mkdir(parents=True, exist_ok=True)
    today = dt.date.today()
    (out / "admin.token").write_text(TOKEN + "\n")
    (out / "link.key").write_text("desk-bench-link-key-0123456789abcdef\n")
    units = "".join(
        f'[units.u{u:02d}]\nname = "Phòng {u:02d}"\nemail = ["u{u:02d}@bench.example"]\n\n'
        for u in range(UNITS))
    (out / "main.toml").write_text(
        '[service]\nplans = ["plans/*.toml"]\nstate_dir = "state"\nmonitor = "u00"\n'
        f'leads = ["7d", "1d"]\noverdue = true\nchase_from = {today.isoformat()}\n\n'
        '[email]\ntransport = "maildir"\nfrom = "Văn phòng <vp@bench.example>"\n\n'
        f'[http]\nlisten = "127.0.0.1:{port}"\nsecret_file = "link.key"\n'
        'admin_token_file = "admin.token"\n\n' + units)
    assignments = []
    per_plan = (n + PLANS - 1) // PLANS
    task = 0
    for p in range(PLANS):
        lines = [f'[plan]\nid = "plan-{p:03d}"\ntitle = "Kế hoạch thử tải số {p}"\n']
        for _ in range(per_plan):
            if task == n:
                break
            due = today + dt.timedelta(days=rng.randint(-60, 60))
            unit = f"u{rng.randrange(UNITS):02d}"
            lines.append(f'[[task]]\nid = "t{task:06d}"\ntitle = "Báo cáo số {task}"\n'
                         f'responsible = ["{unit}"]\ndue = {due.isoformat()}\n')
            assignments.append((f"plan-{p:03d}", f"t{task:06d}", due.strftime("%Y%m%d"), unit,
                                due))
            task += 1
        (out / "plans" / f"plan-{p:03d}.toml").write_text("\n".join(lines))
    return assignments


def confirm_a_third(journal: Path, assignments: list) -> None:
    """A third of the assignments confirmed, as `deadlined ack` would record them."""
    rng = random.Random(7)
    db = sqlite3.connect(journal, timeout=30)
    with db:
        for plan, task, occurrence, unit, due in assignments:
            if rng.random() < 1 / 3:
                at = int(time.mktime(due.timetuple())) + rng.randint(-3, 3) * 86400
                db.execute("INSERT INTO confirmations (plan, task, occurrence, unit, action, at,"
                           " actor, origin, note) VALUES (?, ?, ?, ?, 'confirm', ?, 'cli:bench',"
                           " 'cli', 'Đã gửi báo cáo')", (plan, task, occurrence, unit, at))
    db.close()


def get_ms(port: int, path: str) -> tuple:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    start = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": f"Bearer {TOKEN}"})
    resp = conn.getresponse()
    body = resp.read()
    ms = (time.perf_counter() - start) * 1000
    conn.close()
    if resp.status != 200:
        raise SystemExit(f"GET {path}: {resp.status}")
    return ms, len(body)


def main() -> None:
    binary, work, n = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    if work.exists():
        import shutil
        shutil.rmtree(work)
    port = free_port()
    assignments = generate(work, n, port)
    proc, ready, _ = run.start_to_ready(binary, work / "main.toml")
    try:
        confirm_a_third(work / "state" / "journal.sqlite", assignments)
        today = dt.date.today()
        month = f"from={today.replace(day=1).isoformat()}&to={today.isoformat()}"
        queries = [
            ("default (followed now)", "/status"),
            ("one unit", "/status?unit=u07"),
            ("overdue only", "/status?state=overdue"),
            ("one plan", "/status?plan=plan-042"),
            ("one unit, overdue, this month", f"/status?unit=u07&state=overdue&{month}"),
        ]
        print(f"desk, {n} tasks ({len(assignments)} assignments), run to READY {ready:.2f} s")
        for name, path in queries:
            get_ms(port, path)  # warm
            times, size = [], 0
            for _ in range(runs):
                ms, size = get_ms(port, path)
                times.append(ms)
            med, worst = statistics.median(times), max(times)
            verdict = "PASS" if med <= TARGET_MS else "FAIL"
            print(f"  {name:<32} median {med:7.1f} ms  worst {worst:7.1f} ms  "
                  f"{size / 1024:8.0f} KiB  (<= {TARGET_MS} ms) {verdict}", flush=True)
    finally:
        run.stop(proc)


if __name__ == "__main__":
    main()
