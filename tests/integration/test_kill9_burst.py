#!/usr/bin/python3
"""SIGKILL in the middle of a burst of 300 reminders due in the same second.

Proves: the journal makes delivery at-least-once across a crash with a bounded number of
repeats. 300 units, each with the same webhook; the receiver takes ~20 ms per request; the
daemon is killed with SIGKILL once ~100 requests have arrived and restarted on the same
state_dir. In the end the set of received webhook-ids is exactly the expected set of 300
reminder keys; neither run sends an id twice; the only repeats are ids the killed daemon
had already sent (in flight when it died), at most 16 of them; all 300 journal rows end
'delivered'.
"""

import time

import harness
from harness import FROM_HEADER, DaemonTestCase

N_UNITS = 300
KILL_AFTER = 100
MAX_REPEATS = 16


class Kill9BurstTest(DaemonTestCase):

    def write_config(self, sink, due):
        units = {f"u{i:03d}": {"name": f"Đơn vị {i:03d}", "webhooks": ["chat"]}
                 for i in range(N_UNITS)}
        self.ws.write_config(harness.main_config_text(
            service=harness.service_section(monitor=None, retry_initial="1s",
                                            retry_max="4s"),
            email_={"transport": "maildir", "from": FROM_HEADER, "maildir": "outbox"},
            webhooks={"chat": {"url": sink.url("/hook"), "timeout": "5s"}},
            units=units))
        self.ws.write_plan("p1.toml", harness.plan_text(
            harness.default_plan("p1"),
            [{"id": "dong-loat", "title": "Báo cáo đồng loạt", "responsible": sorted(units),
              "due": due, "leads": ["2h"]}]))
        return {harness.reminder_key("p1", "dong-loat", due, "2h", u) for u in units}

    def test_kill9_then_restart(self):
        sink = self.http_sink(delay=0.02)
        due = harness.due_firing_in(4)
        expected = self.write_config(sink, due)
        self.assertEqual(len(expected), N_UNITS)

        first = self.start_daemon()
        harness.wait_until(lambda: sink.count() >= KILL_AFTER, 20, interval=0.005,
                           daemons=[first], desc=f"{KILL_AFTER} requests")
        first.kill()  # SIGKILL to the process group
        at_kill = sink.count()
        self.assertLess(at_kill, N_UNITS, "the burst was over before the kill; "
                        "the test proves nothing (slow the receiver down)")
        time.sleep(0.5)  # requests already on the wire still land; they count as run 1
        boundary = sink.count()

        second = self.start_daemon()
        harness.wait_until(lambda: expected <= set(sink.keys()), 40, daemons=[second],
                           desc=f"all {N_UNITS} ids received")
        final = sink.count()
        harness.assert_holds(lambda: sink.count() == final, 3, desc="nothing more arrives")

        ids = sink.keys()
        run1, run2 = ids[:boundary], ids[boundary:]
        self.assertEqual(set(ids), expected, "received ids == expected ids")
        self.assertEqual(len(run1), len(set(run1)), "the killed daemon sent no id twice")
        self.assertEqual(len(run2), len(set(run2)), "the restarted daemon sent no id twice")
        repeats = set(run1) & set(run2)
        self.assertLessEqual(len(repeats), MAX_REPEATS,
                             f"{len(repeats)} ids sent by both runs (at kill: {at_kill} "
                             f"received, {boundary} after the wire drained)")
        self.assertEqual(len(ids), N_UNITS + len(repeats))
        print(f"\n[kill9] received {at_kill} at kill, {boundary} from run 1, "
              f"{len(run2)} from run 2, {len(repeats)} repeats")
        second.stop()

        rows = harness.journal_rows(self.ws.state_dir)
        keys = {harness.webhook_journal_key(k, "chat") for k in expected}
        self.assertEqual(set(rows), keys, "one journal row per reminder")
        states = {k: rows[k]["state"] for k in keys}
        self.assertEqual({k for k, s in states.items() if s != "delivered"}, set(),
                         "every row delivered")


if __name__ == "__main__":
    harness.main()
