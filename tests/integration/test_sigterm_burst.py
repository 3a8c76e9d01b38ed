#!/usr/bin/python3
"""SIGTERM in the middle of a burst of 40 webhook reminders to a slow receiver (3 s each).

Proves: on SIGTERM the daemon starts no further delivery (none arrives after the signal),
gives those in flight their grace
period and exits 0 (with STOPPING=1) within 12 s; a delivery that was in flight when the
signal came (answered within 3 s, inside the 5 s grace) is recorded and not sent again;
after a restart on the same state every reminder has arrived at least once and every
journal row ends 'delivered'.
"""

import time

import harness
from harness import DaemonTestCase

N = 40
RECEIVER_DELAY = 3.0


class SigtermBurstTest(DaemonTestCase):

    def write_config(self, sink, due):
        return harness.write_webhook_burst_config(self.ws, sink, N, due)

    def test_sigterm_then_restart(self):
        sink = self.http_sink(delay=RECEIVER_DELAY)
        due = harness.due_firing_in(3)
        expected = self.write_config(sink, due)

        first = self.start_daemon()
        sink.wait_count(1, 15, daemons=[first])
        time.sleep(max(0.0, sink.requests[0].received_at + 1.0 - time.monotonic()))
        term_at = time.monotonic()
        first.stop(timeout=12)  # asserts exit code 0 within 12 s, and STOPPING=1
        stopped_in = time.monotonic() - term_at
        time.sleep(0.3)
        in_flight = {harness.webhook_key_of(r) for r in sink.requests if r.received_at < term_at}
        run1 = sink.count()
        self.assertLess(run1, N, "the burst was over before SIGTERM; the test proves nothing")
        started_after_term = [harness.webhook_key_of(r) for r in sink.requests[:run1]
                              if r.received_at > term_at + 0.5]
        self.assertEqual(started_after_term, [],
                         "no delivery may start after SIGTERM (queued ones are abandoned)")

        second = self.start_daemon()
        harness.wait_until(lambda: set(expected) <= set(sink.keys()), 45, daemons=[second],
                           desc=f"all {N} ids received")
        keys = {harness.webhook_journal_key(k, h) for k, h in expected.items()}

        def all_delivered():
            rows = harness.journal_rows(self.ws.state_dir)
            return all(rows.get(k, {}).get("state") == "delivered" for k in keys)

        harness.wait_until(all_delivered, 2 * RECEIVER_DELAY + 5, daemons=[second],
                           desc="every journal row delivered")
        second.stop(timeout=12)

        ids = sink.keys()
        self.assertEqual(set(ids), set(expected), "every id arrives, and only those")
        resent = in_flight & set(ids[run1:])
        self.assertEqual(resent, set(),
                         "deliveries in flight at SIGTERM finished within the grace period "
                         "and must not be sent again")
        print(f"\n[sigterm] {len(in_flight)} in flight at SIGTERM, {run1} requests in run 1, "
              f"stopped in {stopped_in:.1f}s, {len(ids) - run1} in run 2")
        self.assertEqual(set(harness.journal_rows(self.ws.state_dir)), keys)


if __name__ == "__main__":
    harness.main()
