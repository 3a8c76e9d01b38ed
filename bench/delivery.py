#!/usr/bin/python3
"""Delivery benchmarks of deadlined (issue 6, scenarios 4 and 5): precision and throughput.

    bench/delivery.py BINARY CLIENT WORK_DIR [--only precision|throughput] [--runs 3]
    bench/delivery.py BINARY CLIENT WORK_DIR --only before-after --baseline OLD [--runs 5]

Scenarios:
  precision   reminders due at exact instants, delivered by webhook to nginx (`return 204`,
              keep-alive): lateness at the receiver (nginx's request-end `$msec` minus the due
              instant) of single reminders due one per second, and the time to drain bursts of
              1,000 reminders due in the same second (one daemon run per burst)
  throughput  10,000 webhooks due at once to nginx and 2,000 mails due at once to an SMTP sink
              (aiosmtpd, accepts and discards), next to the rate of the minimal libcurl client
              CLIENT (`deadlined_curl_client`) against the same receiver: `--runs` pairs, which
              of the two goes first alternating; the medians of the rates and of the ratio of
              each pair
  before-after  10,000 webhooks due at once to nginx from OLD and from BINARY, `--runs`
              pairs alternating which goes first: the median of the after/before ratios

CLIENT is run as `CLIENT http URL N CONNECTIONS BODYFILE` or `CLIENT smtp URL N CONNECTIONS` and
prints one line `requests=N seconds=S rate=R`. Each function returns rows (figure, value,
unit, target, verdict) like bench/run.py; the receivers (nginx from Debian's `nginx`, the sink
run by /usr/bin/python3 with Debian's `python3-aiosmtpd`) are started in WORK_DIR and stopped
before returning. Every reminder goes to one unit through one channel, so each task id arrives
exactly once: a webhook carries it in `webhook-id`, a mail in `Message-ID` (both are the key
`plan.task.occurrence.stage.unit`).
"""

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

NGINX = "/usr/sbin/nginx"
SYSTEM_PYTHON = "/usr/bin/python3"  # sees Debian's python3-aiosmtpd, unlike a venv's python3
PLAN = "bench"
UNITS = 50
MARGIN = 6  # seconds between writing a config and its first due instant (start takes < 1 s)
LEAD = 0  # seconds: the one lead of every task (0: the reminder is sent at the deadline)
CLIENT_CONNECTIONS = 4

Row = tuple[str, str, str, str, str]  # figure, value, unit, target, verdict ("PASS", "FAIL", "")

# A webhook body of the size deadlined sends (about 600 bytes), for the reference client.
BODY = {
    "id": "bench.t000000.20261129.0s.u000", "type": "reminder", "stage": "0s", "late": False,
    "plan": PLAN, "plan_number": "", "plan_title": "Đo hiệu năng", "task": "t000000",
    "task_title": "Báo cáo số 0", "occurrence": "20261129", "unit": "u000",
    "unit_name": "Phòng 000", "role": "responsible", "at": "2026-11-29T15:04:05+00:00",
    "due": "2026-11-29T15:04:05+00:00", "subject": "[Nhắc việc] Báo cáo số 0: đến hạn",
    "text": "Kính gửi Phòng 000,\nNhiệm vụ \"Báo cáo số 0\" của kế hoạch \"Đo hiệu năng\" "
            "đến hạn lúc 15:04 ngày 29/11/2026.\nXác nhận đã hoàn thành: "
            "http://127.0.0.1:8765/ack/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
}

SINK = r'''
"""SMTP sink: accepts and discards mail, recording the arrival times of each Message-ID.
    sink.py PORT EXPECTED RESULT_FILE
Writes RESULT_FILE (JSON: {Message-ID: [arrival times]}) one second after EXPECTED distinct
Message-IDs have arrived (to count duplicates that follow), or on SIGTERM."""
import json, os, re, signal, sys, threading, time
from aiosmtpd.controller import Controller

port, expected, result = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
arrivals = {}
done = threading.Event()


class Sink:
    async def handle_DATA(self, server, session, envelope):
        now = time.time()
        match = re.search(rb"^Message-ID:\s*<([^>]*)>", envelope.content, re.I | re.M)
        key = match.group(1).decode(errors="replace") if match else ""
        arrivals.setdefault(key, []).append(now)
        if len(arrivals) >= expected:
            done.set()
        return "250 OK"


signal.signal(signal.SIGTERM, lambda *_: done.set())
controller = Controller(Sink(), hostname="127.0.0.1", port=port)
controller.start()
while not done.wait(0.1):
    pass
if len(arrivals) >= expected:
    time.sleep(1)
with open(result + ".tmp", "w") as out:
    json.dump(arrivals, out)
os.replace(result + ".tmp", result)
controller.stop()
'''


# ---------------------------------------------------------------------------- processes


def fresh_dir(path):
    """An empty folder at path (removed first if it exists)."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path, lines=20):
    """The last lines of a log file, for error messages."""
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def spawn(cmd, log, cwd=None):
    """Starts cmd in its own process group, stdout and stderr to the file log."""
    with open(log, "w") as out:
        return subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def stop_group(proc, grace=10):
    """SIGTERM to proc's process group, SIGKILL after grace seconds; returns the exit code."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, None)):
        if proc.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=wait)
    with contextlib.suppress(ProcessLookupError):  # stray children of the group, if any
        os.killpg(proc.pid, signal.SIGKILL)
    return proc.wait()


def wait_until(done, proc, log, timeout, what):
    """Polls done() until it is true (returns True) or timeout seconds pass (returns False);
    raises if proc exits meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        if done():
            return True
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited early with {proc.returncode}:\n{tail(log)}")
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def wait_port(port, proc, log, what, timeout=10):
    """Waits until 127.0.0.1:port accepts connections; raises if proc exits or timeout passes."""
    def accepts():
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port)) == 0
    if not wait_until(accepts, proc, log, timeout, what):
        raise RuntimeError(f"{what} does not accept connections on port {port}:\n{tail(log)}")


# ---------------------------------------------------------------------------- receivers


class AccessLog:
    """nginx's access log, read incrementally (polling it must not take CPU from the daemon):
    arrivals is {task id: [arrival times]} of the bench webhooks read so far (the reference
    client's requests, without webhook-id, are left out)."""

    def __init__(self, path):
        self.path, self.offset, self.arrivals = path, 0, {}
        self.unparsed, self.lines = b"", 0

    def forget(self):
        """Reads what is there and forgets it: arrivals and lines will count later lines only."""
        self.read()
        self.arrivals, self.lines = {}, 0

    def poll(self):
        """Takes in what was written since the last call without parsing it (a few
        microseconds: the daemon's burst must not compete with this harness); returns how
        many lines have come since forget()."""
        with contextlib.suppress(FileNotFoundError), open(self.path, "rb") as log:
            log.seek(self.offset)
            data = log.read()
            self.offset += len(data)
            self.unparsed += data
            self.lines += data.count(b"\n")
        return self.lines

    def read(self):
        """Parses the complete lines written so far; returns arrivals."""
        self.poll()
        end = self.unparsed.rfind(b"\n") + 1
        complete, self.unparsed = self.unparsed[:end], self.unparsed[end:]
        for line in complete.decode(errors="replace").splitlines():
            msec, _, key = line.partition(" ")
            if key.startswith(PLAN + "."):
                self.arrivals.setdefault(key.split(".")[1], []).append(float(msec))
        return self.arrivals


@contextlib.contextmanager
def nginx(prefix):
    """Runs nginx (`return 204`, keep-alive) from the folder prefix; yields (URL of the hook,
    access log). Each access log line is `$msec $http_webhook_id`, written at request end."""
    prefix = fresh_dir(prefix)
    port = free_port()
    temp = "".join(f"    {kind}_temp_path {prefix}/{kind}_temp;\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (prefix / "nginx.conf").write_text(
        # As root, workers would otherwise run as nobody, who cannot write the access log.
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "    log_format timing '$msec $http_webhook_id';\n"
        f"    access_log {prefix}/access.log timing;\n"
        "    keepalive_requests 100000;\n    keepalive_timeout 60s;\n" + temp +
        f"    server {{\n        listen 127.0.0.1:{port};\n"
        "        location / { return 204; }\n    }\n}\n")
    log = prefix / "stderr.log"
    proc = spawn([NGINX, "-p", f"{prefix}/", "-e", f"{prefix}/error.log",
                  "-c", f"{prefix}/nginx.conf", "-g", "daemon off;"], log)
    try:
        wait_port(port, proc, prefix / "error.log", "nginx")
        yield f"http://127.0.0.1:{port}/hook", AccessLog(prefix / "access.log")
    finally:
        stop_group(proc)


@contextlib.contextmanager
def smtp_sink(folder, expected):
    """Runs the aiosmtpd sink in folder; yields (port, process, result file). The result file
    appears once expected distinct messages have arrived, or when the process gets SIGTERM."""
    folder = fresh_dir(folder)
    port = free_port()
    script, result = folder / "sink.py", folder / "result.json"
    script.write_text(SINK)
    log = folder / "sink.log"
    proc = spawn([SYSTEM_PYTHON, str(script), str(port), str(expected), str(result)], log)
    try:
        wait_port(port, proc, log, "SMTP sink")
        yield port, proc, result
    finally:
        stop_group(proc)


def reference_rate(client, args, folder):
    """Requests per second of the reference client run as CLIENT ARGS."""
    proc = subprocess.run([client] + args, cwd=folder, capture_output=True, text=True,
                          timeout=600)
    match = re.search(r"rate=([0-9.eE+]+)", proc.stdout)
    if proc.returncode != 0 or not match:
        raise RuntimeError(f"{client} {' '.join(args)} failed with {proc.returncode}:\n"
                           f"{proc.stdout}{proc.stderr}")
    return float(match.group(1))


# ---------------------------------------------------------------------------- the daemon


def write_config(folder, receiver, address, tasks):
    """Writes folder/main.toml and folder/plans/bench.toml: one reminder per task (lead LEAD),
    due at a given instant. receiver is "webhook" (address: the URL) or "smtp" (address: the
    port); tasks is a list of (task id, instant of its reminder in whole Unix seconds): the
    task's deadline is LEAD seconds later."""
    (folder / "plans").mkdir(parents=True, exist_ok=True)
    if receiver == "webhook":
        channel = f'[webhooks.hook]\nurl = "{address}"\ntimeout = "10s"\n'
        per_unit = 'webhooks = ["hook"]'
    else:
        channel = (f'[email]\ntransport = "smtp"\nurl = "smtp://127.0.0.1:{address}"\n'
                   'from = "Văn phòng <vp@bench.example>"\ntimeout = "30s"\n')
        per_unit = 'email = ["u{u:03d}@bench.example"]'
    units = "".join(f'\n[units.u{u:03d}]\nname = "Phòng {u:03d}"\n{per_unit.format(u=u)}\n'
                    for u in range(UNITS))
    (folder / "main.toml").write_text(
        '[service]\nplans = ["plans/*.toml"]\nstate_dir = "state"\ntimezone = "UTC"\n'
        'holiday_rules = "none"\nworkdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]\n'
        f'leads = ["{LEAD}s"]\nretry_initial = "1s"\n\n' + channel + units)
    plan = [f'[plan]\nid = "{PLAN}"\ntitle = "Đo hiệu năng"\n']
    for i, (task, at) in enumerate(tasks):
        due = dt.datetime.fromtimestamp(at + LEAD, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        plan.append(f'[[task]]\nid = "{task}"\ntitle = "Báo cáo số {i}"\n'
                    f'responsible = ["u{i % UNITS:03d}"]\ndue = {due}\n')
    (folder / "plans" / f"{PLAN}.toml").write_text("\n".join(plan))


def task_ids(n):
    return [f"t{i:06d}" for i in range(n)]


@contextlib.contextmanager
def daemon(binary, folder):
    """Checks folder/main.toml, runs the daemon on it (cwd folder, log folder/daemon.log);
    yields (process, log). Stops it with SIGTERM at the end (SIGKILL after 10 s) and notes on
    stderr anything it logged (at warn level and above) or an unclean exit."""
    check = subprocess.run([binary, "check", "--config", "main.toml"], cwd=folder,
                           capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"deadlined check failed in {folder}:\n{check.stderr}")
    log = folder / "daemon.log"
    proc = spawn([binary, "run", "--config", "main.toml", "--log-level", "warn"], log, folder)
    try:
        yield proc, log
    finally:
        code = stop_group(proc)
        lines = len(log.read_text(errors="replace").splitlines()) if log.exists() else 0
        if lines or code not in (0, -signal.SIGTERM):
            print(f"  note: deadlined exited with {code} and logged {lines} lines: {log}",
                  file=sys.stderr, flush=True)


def deliver_webhooks(binary, folder, url, access_log, tasks, timeout):
    """Runs the daemon on tasks [(id, instant)] with the webhook to url until each task has
    arrived in access_log (an AccessLog), or timeout seconds after the last instant; returns
    {task id: [arrival times]} of these tasks."""
    fresh_dir(folder)
    write_config(folder, "webhook", url, tasks)
    wanted = {task for task, _ in tasks}
    access_log.forget()

    def arrived():
        return {t: times for t, times in access_log.read().items() if t in wanted}

    def all_arrived():
        # Lines are counted while the burst runs and parsed once there are enough of them.
        return access_log.poll() >= len(wanted) and len(arrived()) == len(wanted)
    with daemon(binary, folder) as (proc, log):
        limit = max(at for _, at in tasks) + timeout - time.time()
        if wait_until(all_arrived, proc, log, limit, "deadlined"):
            time.sleep(1)  # duplicates (retries) would come right after
    return arrived()


def deliver_mail(binary, folder, sink, tasks, timeout):
    """Runs the daemon on tasks [(id, instant)] with mail to sink (port, process, result file
    of smtp_sink(…, len(tasks))) until each task has arrived or timeout seconds after the last
    instant; returns {task id: [arrival times]}."""
    port, sink_proc, result = sink
    fresh_dir(folder)
    write_config(folder, "smtp", port, tasks)
    with daemon(binary, folder) as (proc, log):
        limit = max(at for _, at in tasks) + timeout - time.time()
        if not wait_until(lambda: result.exists() or sink_proc.poll() is not None, proc, log,
                          limit, "deadlined"):
            sink_proc.send_signal(signal.SIGTERM)  # makes the sink write what it has
            sink_proc.wait(timeout=30)
    if not result.exists():
        raise RuntimeError(f"the SMTP sink exited without a record:\n"
                           f"{tail(result.with_name('sink.log'))}")
    return {key.split(".")[1]: times for key, times in json.loads(result.read_text()).items()
            if key.startswith(PLAN + ".")}


def outcome(tasks, arrivals):
    """(lateness of each task that arrived: its first arrival minus its instant, in task
    order; how many are missing; how many deliveries came on top of the first ones)."""
    late = [min(arrivals[task]) - at for task, at in tasks if task in arrivals]
    extra = sum(len(times) - 1 for times in arrivals.values())
    return late, len(tasks) - len(late), extra


def due_from_now():
    """A whole-second instant at least MARGIN seconds from now."""
    return math.ceil(time.time()) + MARGIN


def percentile(values, p):
    """Nearest-rank percentile p (0-100) of values."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(seconds):
    return f"{seconds * 1000:.0f}"


def verdict(ok):
    return "PASS" if ok else "FAIL"


def duplicates_rows(name, extra):
    return [(f"{name}: duplicates", str(extra), "", "0", "FAIL")] if extra else []


# ---------------------------------------------------------------------------- scenarios


def precision(binary: str, work: Path, runs: int, *, singles=60, burst=1000,
              timeout=30) -> list[Row]:
    """Lateness at nginx of `singles` reminders due one per second (one daemon run), and the
    time to drain bursts of `burst` reminders due in the same second (`runs` daemon runs,
    one burst each). A task not arrived `timeout` seconds after its instant is missing."""
    if not os.access(NGINX, os.X_OK):
        return [("precision", "nginx not installed", "", "", "")]
    binary, work = str(Path(binary).resolve()), Path(work).resolve()
    with nginx(work / "precision-nginx") as (url, access_log):
        t0 = due_from_now()
        tasks = [(task, t0 + i) for i, task in enumerate(task_ids(singles))]
        single = outcome(tasks, deliver_webhooks(binary, work / "precision-singles", url,
                                                 access_log, tasks, timeout))
        bursts = []
        for run in range(runs):
            at = due_from_now()
            tasks = [(task, at) for task in task_ids(burst)]
            bursts.append(outcome(tasks, deliver_webhooks(
                binary, work / f"precision-burst-{run + 1}", url, access_log, tasks, timeout)))

    rows = []
    name = "precision, single reminder"
    late, missing, extra = single
    if late:
        rows.append((f"{name}: lateness p50", ms(percentile(late, 50)), "ms", "", ""))
    p99 = percentile(late, 99) if late else None
    rows.append((f"{name}: lateness p99", f"missing {missing}" if missing else ms(p99), "ms",
                 "≤ 10 ms", verdict(not missing and p99 <= 0.010)))
    if late:
        rows.append((f"{name}: lateness max", ms(max(late)), "ms", "", ""))
    rows += duplicates_rows(name, extra)

    name = f"precision, burst of {burst:,}"
    missing = sum(m for _, m, _ in bursts)
    if missing:
        rows.append((f"{name}: drain time", f"missing {missing}", "ms", "≤ 1000 ms", "FAIL"))
    else:
        drain = statistics.median(max(late) for late, _, _ in bursts)
        rows.append((f"{name}: drain time (median of {runs})", ms(drain), "ms", "≤ 1000 ms",
                     verdict(drain <= 1.0)))
    late = [x for run_late, _, _ in bursts for x in run_late]
    if late:
        rows.append((f"{name}: lateness p50", ms(percentile(late, 50)), "ms", "", ""))
        rows.append((f"{name}: lateness p99", ms(percentile(late, 99)), "ms", "", ""))
    return rows + duplicates_rows(name, sum(e for _, _, e in bursts))


def rate_of(tasks, arrivals):
    """(rate of tasks all due at one instant: those arrived over the time from the instant to
    the last first arrival; how many are missing; how many arrived more than once)."""
    late, missing, extra = outcome(tasks, arrivals)
    return (len(late) / max(late) if late and max(late) > 0 else 0.0), missing, extra


def rate_rows(name, unit, runs):
    """The throughput rows of runs [(tasks, arrivals, reference rate or None)], each a
    deadlined run and a reference client run beside it: deadlined's and the reference's
    median rates, and the median of the ratios of each pair (with their range), plus the
    missing and duplicated deliveries if any."""
    rates = [rate_of(tasks, arrivals) for tasks, arrivals, _ in runs]
    missing = sum(m for _, m, _ in rates)
    extra = sum(e for _, _, e in rates)
    each = f" (median of {len(runs)})" if len(runs) > 1 else ""
    value = f"{statistics.median(r for r, _, _ in rates):.0f}"
    if missing:
        value += f" ({missing} missing)"
    references = [reference for _, _, reference in runs]
    rows = [(f"{name}: deadlined{each}", value, unit, "", "")]
    if None in references:
        return rows + [(f"{name}: minimal libcurl client", "no client", unit, "", ""),
                       (f"{name}: ratio", "no client", "%", "≥ 80 %", "")] + \
            duplicates_rows(name, extra)
    ratios = sorted(100 * r / reference for (r, _, _), reference in zip(rates, references))
    ratio = statistics.median(ratios)
    spread = f" ({ratios[0]:.0f}-{ratios[-1]:.0f})" if len(ratios) > 1 else ""
    rows += [(f"{name}: minimal libcurl client{each}", f"{statistics.median(references):.0f}",
              unit, "", ""),
             (f"{name}: ratio{each}", f"{ratio:.1f}{spread}", "%", "≥ 80 %",
              verdict(ratio >= 80 and not missing))]
    return rows + duplicates_rows(name, extra)


def in_turn(run, first, second):
    """Runs first() then second() on even runs and the other way round on odd ones (on this
    machine the second of two runs back to back measured some 7 % slower); returns their
    results in the order (first, second)."""
    if run % 2 == 0:
        a = first()
        return a, second()
    b = second()
    return first(), b


def webhook_throughput(binary, work, client, n, timeout, runs):
    name = f"throughput, {n:,} webhooks to nginx"
    if not os.access(NGINX, os.X_OK):
        return [(name, "nginx not installed", "", "", "")]
    folder = fresh_dir(work / "throughput-client-http")
    body = folder / "body.json"
    body.write_text(json.dumps(BODY, ensure_ascii=False))
    results = []
    with nginx(work / "throughput-nginx") as (url, access_log):
        for run in range(runs):
            def reference():
                if not client:
                    return None
                return reference_rate(
                    client, ["http", url, str(n), str(CLIENT_CONNECTIONS), str(body)], folder)

            def deadlined():
                at = due_from_now()
                tasks = [(task, at) for task in task_ids(n)]
                return tasks, deliver_webhooks(binary, work / "throughput-webhooks", url,
                                               access_log, tasks, timeout)
            rate, (tasks, arrivals) = in_turn(run, reference, deadlined)
            results.append((tasks, arrivals, rate))
    return rate_rows(name, "req/s", results)


def webhook_before_after(binary, baseline, work, n, timeout, runs):
    """`runs` pairs of `baseline` (before a change) and `binary` (after it), each sending `n`
    webhooks due at once to the same nginx, which goes first alternating: their median rates
    and the median of after/before over the pairs, with its range."""
    name = f"before/after, {n:,} webhooks to nginx"
    if not os.access(NGINX, os.X_OK):
        return [(name, "nginx not installed", "", "", "")]
    pairs = []
    with nginx(work / "ab-nginx") as (url, access_log):
        for run in range(runs):
            def one(path, folder):
                at = due_from_now()
                tasks = [(task, at) for task in task_ids(n)]
                return rate_of(tasks, deliver_webhooks(path, work / folder, url, access_log,
                                                       tasks, timeout))
            before, after = in_turn(run, lambda: one(baseline, "ab-before"),
                                    lambda: one(binary, "ab-after"))
            print(f"[bench] pair {run + 1}: before {before[0]:.0f}, after {after[0]:.0f} req/s",
                  flush=True)
            pairs.append((before, after))
    missing = sum(b[1] + a[1] for b, a in pairs)
    extra = sum(b[2] + a[2] for b, a in pairs)
    ratios = sorted(100 * a[0] / b[0] for b, a in pairs if b[0] > 0)
    ratio = statistics.median(ratios) if ratios else 0.0
    each = f" (median of {runs})"
    return [(f"{name}: before{each}", f"{statistics.median(b[0] for b, _ in pairs):.0f}",
             "req/s", "", ""),
            (f"{name}: after{each}", f"{statistics.median(a[0] for _, a in pairs):.0f}",
             "req/s", "", ""),
            (f"{name}: after/before{each}",
             f"{ratio:.1f} ({ratios[0]:.0f}-{ratios[-1]:.0f})" if ratios else "no pair", "%",
             "≥ 95 %", verdict(ratio >= 95 and not missing))] + duplicates_rows(name, extra)


def mail_throughput(binary, work, client, n, timeout, runs):
    name = f"throughput, {n:,} mails to aiosmtpd"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import aiosmtpd"], capture_output=True)
    if probe.returncode != 0:
        return [(name, "python3-aiosmtpd not installed", "", "", "")]
    results = []
    for run in range(runs):
        def reference():
            if not client:
                return None
            folder = work / "throughput-sink-client"
            with smtp_sink(folder, n) as (port, _, _):
                return reference_rate(
                    client, ["smtp", f"smtp://127.0.0.1:{port}", str(n),
                             str(CLIENT_CONNECTIONS)], folder)

        def deadlined():
            # A fresh sink for the daemon: its record holds the daemon's mails only.
            with smtp_sink(work / "throughput-sink", n) as sink:
                at = due_from_now()
                tasks = [(task, at) for task in task_ids(n)]
                return tasks, deliver_mail(binary, work / "throughput-mail", sink, tasks,
                                           timeout)
        rate, (tasks, arrivals) = in_turn(run, reference, deadlined)
        results.append((tasks, arrivals, rate))
    return rate_rows(name, "mail/s", results)


def throughput(binary: str, work: Path, client: str, runs: int, *, webhooks=10000, mails=2000,
               timeout=300) -> list[Row]:
    """Rates of `webhooks` webhooks to nginx and `mails` mails to the SMTP sink, all due at
    once (waiting at most `timeout` seconds), next to the reference client's against the same
    receiver (client None or not executable: no reference), `runs` pairs of each."""
    binary, work = str(Path(binary).resolve()), Path(work).resolve()
    client = str(Path(client).resolve()) if client and os.access(client, os.X_OK) else None
    return (webhook_throughput(binary, work, client, webhooks, timeout, runs)
            + mail_throughput(binary, work, client, mails, timeout, runs))


# ---------------------------------------------------------------------------- command line


def print_table(rows):
    width = max(len(r[0]) for r in rows)
    print(f"{'figure':<{width}}  {'value':>10}  {'unit':<11} {'target':<26} verdict")
    for figure, value, unit, target, verdict_ in rows:
        print(f"{figure:<{width}}  {value:>10}  {unit:<11} {target:<26} {verdict_}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary")
    ap.add_argument("client")
    ap.add_argument("work")
    ap.add_argument("--only", choices=["precision", "throughput", "before-after"])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--baseline", help="with --only before-after: the binary before a change")
    args = ap.parse_args()
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    if args.only in (None, "precision"):
        rows += precision(args.binary, work, args.runs)
    if args.only in (None, "throughput"):
        rows += throughput(args.binary, work, args.client, args.runs)
    if args.only == "before-after":
        if not args.baseline:
            ap.error("--only before-after needs --baseline BINARY")
        rows += webhook_before_after(str(Path(args.binary).resolve()),
                                     str(Path(args.baseline).resolve()), work, 10000, 300,
                                     args.runs)
    print_table(rows)


if __name__ == "__main__":
    main()
