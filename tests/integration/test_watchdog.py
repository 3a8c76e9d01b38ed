#!/usr/bin/python3
"""The systemd watchdog: WATCHDOG=1 pings from the event loop when WATCHDOG_USEC is set.

Proves: with WATCHDOG_USEC=1000000 (1 s) in the environment and WATCHDOG_PID unset, at
least 3 WATCHDOG=1 datagrams arrive on NOTIFY_SOCKET within 2.5 s after READY=1 (the daemon
pings at half the interval); the same with WATCHDOG_PID set to the daemon's own pid (set by
a shell that then execs the daemon, so the pid matches); without WATCHDOG_USEC no
WATCHDOG=1 arrives in 2 s; and with WATCHDOG_PID naming another process (systemd meant the
watchdog for someone else) none arrives in 2 s either.
"""

import datetime as dt
import os
import time

import harness
from harness import FROM_HEADER, DaemonTestCase

WINDOW = 2.5
MIN_PINGS = 3
QUIET = 2.0


class WatchdogTest(DaemonTestCase):

    def setUp(self):
        super().setUp()
        due = harness.now_utc().astimezone(harness.VN_TZ) + dt.timedelta(days=30)
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(monitor=None),
            email_={"transport": "maildir", "from": FROM_HEADER, "maildir": "outbox"},
            units={"phong-a": {"name": "Phòng A", "email": ["a@stnmt.example.gov.vn"]}}))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "xa", "title": "Việc còn xa", "responsible": ["phong-a"], "due": due,
              "leads": ["2h"]}]))

    def ready_time(self, d):
        for t, line in harness.notify_timed_lines(d.notify):
            if line == "READY=1":
                return t
        self.fail(f"no READY=1\n{d.describe()}")

    def pings_after(self, d, t0):
        return [t for t, line in harness.notify_timed_lines(d.notify)
                if line == "WATCHDOG=1" and t >= t0]

    def assert_pings(self, d, what):
        ready = self.ready_time(d)
        harness.wait_until(lambda: len(self.pings_after(d, ready)) >= MIN_PINGS,
                           max(0.0, ready + WINDOW - time.monotonic()), interval=0.05,
                           daemons=[d],
                           desc=f"{MIN_PINGS} WATCHDOG=1 within {WINDOW}s of READY=1 ({what})")
        pings = [t for t in self.pings_after(d, ready) if t <= ready + WINDOW]
        self.assertGreaterEqual(len(pings), MIN_PINGS,
                                f"WATCHDOG=1 within {WINDOW}s of READY=1 ({what})")
        gaps = [round(b - a, 2) for a, b in zip(pings, pings[1:])]
        print(f"\n[watchdog] {what}: {len(pings)} pings in {WINDOW}s after READY=1, "
              f"gaps {gaps}")
        d.stop()

    def assert_no_pings(self, d, what):
        harness.assert_holds(
            lambda: d.alive() and not any(line == "WATCHDOG=1" for line in d.notify.lines()),
            QUIET, interval=0.05, desc=f"no WATCHDOG=1 and the daemon alive ({what})")
        d.stop()

    def test_pings_with_watchdog_usec(self):
        d = self.start_daemon(env={"WATCHDOG_USEC": "1000000"})
        self.assert_pings(d, "WATCHDOG_USEC=1000000, WATCHDOG_PID unset")

    def test_pings_with_matching_watchdog_pid(self):
        # The shell exports its own pid, then execs the daemon: same pid.
        wrapper = ["/bin/sh", "-c", 'WATCHDOG_PID=$$; export WATCHDOG_PID; exec "$0" "$@"']
        d = harness.start_daemon_with_args(self, env={"WATCHDOG_USEC": "1000000"},
                                           prefix=wrapper)
        self.assert_pings(d, "WATCHDOG_USEC=1000000, WATCHDOG_PID=<daemon pid>")

    def test_no_pings_without_watchdog_usec(self):
        d = self.start_daemon()
        self.assert_no_pings(d, "no WATCHDOG_USEC")

    def test_no_pings_for_another_pid(self):
        d = self.start_daemon(env={"WATCHDOG_USEC": "1000000",
                                   "WATCHDOG_PID": str(os.getpid())})
        self.assert_no_pings(d, "WATCHDOG_PID of another process")


if __name__ == "__main__":
    harness.main()
