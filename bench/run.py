#!/usr/bin/python3
"""Runs the deadlined benchmarks and prints a table: figure, value, unit, target, verdict.

    bench/run.py BINARY WORK_DIR [--sizes 1000,10000,100000] [--runs 3] [--idle 60]
                 [--client deadlined_curl_client] [--only load|delivery]

Scenarios (see issue 6 and docs/PERFORMANCE.md):
  load      `deadlined check` and `deadlined run` to READY=1 on generated configs of each
            size (4 leads per task, 100 plan files): wall time (median of runs), peak RSS
  remind    the same deadlines as a Remind file: `remind -n`, same run, and the ratio
  idle      the daemon holding the largest config, idle: wakeups (voluntary context
            switches of all its threads) and CPU seconds over the idle period
  memory    bytes of RSS per scheduled deadline (4 reminders each), between the smallest and
            largest sizes
  precision, throughput   see bench/delivery.py (nginx, an SMTP sink, the reference client)
Whole-process figures are medians of --runs runs.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import delivery  # noqa: E402  (bench/delivery.py, beside this file)


def timed(cmd, cwd=None):
    """(wall seconds, peak RSS in KiB, stdout) of one run of cmd. The peak RSS comes from
    GNU time, which forks from a small process: the rusage of a child forked from this
    Python interpreter would count the interpreter's pages too."""
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-o", report.name, "-f", "%M"] + list(cmd),
                              cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{cmd} failed with {proc.returncode}")
        rss = int(report.read().strip().splitlines()[-1])
    return wall, rss, proc.stdout


def median_run(cmd, runs, cwd=None):
    results = [timed(cmd, cwd) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results), results[0][2]


def threads_counters(pid):
    """(voluntary context switches, CPU seconds) summed over all threads of pid."""
    switches = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        status = (task / "status").read_text()
        switches += int(re.search(r"voluntary_ctxt_switches:\s+(\d+)", status).group(1))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    return switches, cpu


def rss_kib(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1))


def start_to_ready(binary, config, timeout=120):
    """Starts the daemon; returns (process, seconds to READY=1, scheduled entries: deadlines
    waiting for their first reminder plus reminders of deadlines under way)."""
    sock_dir = tempfile.mkdtemp(prefix="bench-notify-")
    path = os.path.join(sock_dir, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(timeout)
    env = dict(os.environ, NOTIFY_SOCKET=path)
    log = open(Path(config).parent / "daemon.log", "w")
    start = time.perf_counter()
    proc = subprocess.Popen([binary, "run", "--config", str(config), "--log-level", "info"],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        while True:
            data = sock.recv(4096).decode()
            if "READY=1" in data:
                ready = time.perf_counter() - start
                break
    finally:
        sock.close()
        shutil.rmtree(sock_dir, ignore_errors=True)
    log.flush()
    text = (Path(config).parent / "daemon.log").read_text()
    match = re.search(r"schedule loaded: (\d+) deadlines waiting for their first reminder, "
                      r"(\d+) upcoming reminders", text)
    return proc, ready, int(match.group(1)) + int(match.group(2)) if match else 0


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("work")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--idle", type=int, default=60)
    ap.add_argument("--client", help="deadlined_curl_client, the reference of the delivery "
                                     "scenarios (default: beside BINARY)")
    ap.add_argument("--only", choices=["load", "delivery"])
    args = ap.parse_args()
    binary = str(Path(args.binary).resolve())
    work = Path(args.work).resolve()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []

    def row(figure, value, unit, target="", ok=None):
        verdict = "" if ok is None else ("PASS" if ok else "FAIL")
        rows.append((figure, value, unit, target, verdict))
        print(f"  {figure}: {value} {unit} {verdict}", file=sys.stderr, flush=True)

    if args.only != "delivery":
        load_scenarios(binary, work, sizes, args, row)
    if args.only != "load":
        client = args.client or str(Path(binary).parent / "deadlined_curl_client")
        for figure, value, unit, target, verdict in (
                delivery.precision(binary, work / "precision", args.runs)
                + delivery.throughput(binary, work / "throughput", client, args.runs)):
            row(figure, value, unit, target, None if not verdict else verdict == "PASS")

    width = max(len(r[0]) for r in rows)
    print(f"{'figure':<{width}}  {'value':>10}  {'unit':<11} {'target':<26} verdict")
    for figure, value, unit, target, verdict in rows:
        print(f"{figure:<{width}}  {value:>10}  {unit:<11} {target:<26} {verdict}")


def load_scenarios(binary, work, sizes, args, row):
    """Scenarios 1, 2, 3 and 6: load, Remind, idle and memory."""
    ready_rss = {}
    upcoming = {}
    for n in sizes:
        d = work / f"tasks-{n}"
        if d.exists():
            shutil.rmtree(d)
        subprocess.run([sys.executable, str(HERE / "gen.py"), str(d), str(n)], check=True)
        config = d / "main.toml"
        wall, rss, _ = median_run([binary, "check", "--config", str(config)], args.runs)
        big = n == max(sizes)
        row(f"check, {n} tasks: wall", f"{wall:.3f}", "s")
        row(f"check, {n} tasks: peak RSS", f"{rss / 1024:.1f}", "MiB",
            "<= 150 MiB" if big else "", rss / 1024 <= 150 if big else None)
        readies = []
        for _ in range(args.runs):
            shutil.rmtree(d / "state", ignore_errors=True)
            proc, ready, count = start_to_ready(binary, config)
            readies.append(ready)
            ready_rss[n] = rss_kib(proc.pid)
            upcoming[n] = count
            if big and _ == args.runs - 1 and args.idle > 0:
                time.sleep(2)
                s0, c0 = threads_counters(proc.pid)
                time.sleep(args.idle)
                s1, c1 = threads_counters(proc.pid)
                per_minute = (s1 - s0) * 60 / args.idle
                row(f"idle {args.idle}s, {n} tasks: wakeups", f"{per_minute:.1f}", "per minute",
                    "<= 2 (+ watchdog); cron: 1", per_minute <= 2)
                row(f"idle {args.idle}s, {n} tasks: CPU", f"{c1 - c0:.3f}", "s", "~0",
                    c1 - c0 <= 0.05)
            stop(proc)
        ready = statistics.median(readies)
        row(f"run to READY, {n} tasks", f"{ready:.3f}", "s", "<= 2 s" if big else "",
            ready <= 2 if big else None)
        row(f"run at READY, {n} tasks: RSS", f"{ready_rss[n] / 1024:.1f}", "MiB")
        row(f"run, {n} tasks: scheduled entries", str(upcoming[n]), "deadlines")
        if big:
            big_check = wall
            remind = shutil.which("remind")
            if remind:
                r_wall, r_rss, _ = median_run([remind, "-n", str(d / "remind.rem")], args.runs)
                row(f"remind -n, {n} deadlines: wall", f"{r_wall:.3f}", "s")
                row(f"remind -n, {n} deadlines: peak RSS", f"{r_rss / 1024:.1f}", "MiB")
                row("check / remind -n (wall)", f"{big_check / r_wall:.2f}", "ratio", "<= 1.0",
                    big_check / r_wall <= 1.0)
            else:
                row("remind -n", "n/a", "", "install Debian's remind")
    lo, hi = min(sizes), max(sizes)
    if hi != lo and upcoming[hi] > upcoming[lo]:
        # A deadline whose reminders have not begun is one entry; its 4 reminders are made
        # when the first is due. The figure includes the config (tasks, units) it points into.
        per = (ready_rss[hi] - ready_rss[lo]) * 1024 / (upcoming[hi] - upcoming[lo])
        row("memory per scheduled deadline (4 reminders)", f"{per:.0f}", "bytes")
        row("memory per scheduled reminder", f"{per / 4:.0f}", "bytes")


if __name__ == "__main__":
    main()
