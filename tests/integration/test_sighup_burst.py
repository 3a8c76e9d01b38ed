#!/usr/bin/python3
"""SIGHUP (configuration unchanged) twice in the middle of a burst of 40 webhook reminders.

40 units sharing two webhooks to one receiver that takes 1 s per request, all due in the
same second, so at any moment 8 deliveries are in flight (4 per webhook) and the rest wait
their turn. Once the first requests have arrived the daemon gets SIGHUP; once the second wave
has started, SIGHUP again.

Proves: a reload neither loses nor duplicates in-flight or queued deliveries — every
expected webhook-id arrives exactly once at the receiver, and nothing more comes in the
following seconds; each SIGHUP produces RELOADING=1 (with MONOTONIC_USEC, as systemd's
Type=notify-reload requires) followed by READY=1, in that order, and the log says the reload
was done; every journal row ends 'delivered' with attempts == 1.
"""

from collections import Counter

import harness
from harness import DaemonTestCase

N = 40
RECEIVER_DELAY = 1.0


class SighupBurstTest(DaemonTestCase):

    def write_config(self, sink, due):
        return harness.write_webhook_burst_config(self.ws, sink, N, due)

    def test_sighup_during_burst(self):
        sink = self.http_sink(delay=RECEIVER_DELAY)
        due = harness.due_firing_in(3)
        expected = self.write_config(sink, due)
        keys = {harness.webhook_journal_key(k, h) for k, h in expected.items()}

        d = self.start_daemon()
        ready_mark = d.notify.mark()

        # SIGHUP 1: the first requests are at the receiver, most of the burst still queued.
        sink.wait_count(1, 15, daemons=[d])
        before1 = sink.count()
        d.reload(timeout=5)
        self.assertLess(before1, N, "the burst was over before SIGHUP 1")

        # SIGHUP 2: the first wave has been answered, the next one is in flight.
        harness.wait_until(lambda: sink.count() > before1 and sink.count() >= 9, 10,
                           daemons=[d], desc="the second wave of requests")
        before2 = sink.count()
        d.reload(timeout=5)
        self.assertLess(before2, N, "the burst was over before SIGHUP 2; the test proves "
                                    "nothing about queued deliveries")

        harness.wait_until(lambda: set(expected) <= set(sink.keys()), 30, daemons=[d],
                           desc=f"all {N} ids received")

        def all_delivered():
            rows = harness.journal_rows(self.ws.state_dir)
            return all(rows.get(k, {}).get("state") == "delivered" for k in keys)

        harness.wait_until(all_delivered, 2 * RECEIVER_DELAY + 5, daemons=[d],
                           desc="every journal row delivered")
        # A duplicate dispatched by a reload would arrive within a receiver delay or two.
        harness.assert_holds(lambda: sink.count() == N, 3 * RECEIVER_DELAY,
                             desc=f"exactly {N} requests (no duplicate after the burst)")

        ids = Counter(sink.keys())
        dupes = {k: n for k, n in ids.items() if n != 1}
        self.assertEqual(dupes, {}, "ids received more than once")
        self.assertEqual(ids, Counter({k: 1 for k in expected}),
                         "every expected id exactly once, and nothing else")

        # sd_notify: RELOADING=1 then READY=1, for each SIGHUP, and nothing else of the kind
        states = [line for line in d.notify.lines(ready_mark)
                  if line in ("RELOADING=1", "READY=1")]
        self.assertEqual(states, ["RELOADING=1", "READY=1"] * 2,
                         f"notify lines after the first READY=1: {d.notify.lines(ready_mark)}")
        reloading = [dg for dg in harness.notify_datagrams(d.notify)
                     if "RELOADING=1" in dg.split("\n")]
        self.assertEqual(len(reloading), 2, reloading)
        for dg in reloading:
            self.assertRegex(dg, r"(^|\n)MONOTONIC_USEC=\d+(\n|$)",
                             "RELOADING=1 carries MONOTONIC_USEC")
        log = d.log()
        self.assertEqual(len(harness.log_lines(log, None, "reload done")), 2,
                         f"two 'reload done' lines in:\n{log}")

        rows = harness.journal_rows(self.ws.state_dir)
        self.assertEqual(set(rows), keys, "journal rows: exactly one per delivery")
        for k in sorted(keys):
            self.assertEqual(rows[k]["state"], "delivered", rows[k])
            self.assertEqual(rows[k]["attempts"], 1, rows[k])

        print(f"\n[sighup] {before1} request(s) before SIGHUP 1, {before2} before SIGHUP 2, "
              f"{sink.count()} in all")
        d.stop(timeout=12)


if __name__ == "__main__":
    harness.main()
