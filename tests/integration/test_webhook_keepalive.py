#!/usr/bin/python3
"""A burst of 30 webhook reminders to one receiver that keeps connections alive.

30 units share one webhook, all due in the same second; the receiver answers HTTP/1.1 with
keep-alive.

Proves: the channel reuses its connections. The 30 requests come over at most 4
connections (the per-channel cap on concurrent sends), not one connection each. The
attempts of the burst are recorded in one journal transaction, committed before any request
leaves: when each request arrives, its journal row is already there, pending. Every id
arrives exactly once and every journal row ends 'delivered' after one attempt.
"""

from collections import Counter

import harness
from harness import DaemonTestCase

N = 30
CHANNEL_CONCURRENCY = 4  # k_channel_concurrency in src/scheduler/scheduler.cpp


class WebhookKeepAliveTest(DaemonTestCase):

    def test_burst_reuses_connections(self):
        seen_at_arrival = {}

        def journal_state(request):
            key = harness.webhook_journal_key(harness.webhook_key_of(request), "hook")
            row = harness.journal_rows(self.ws.state_dir).get(key)
            seen_at_arrival[key] = row["state"] if row else None

        sink = self.http_sink(keep_alive=True, on_request=journal_state)
        due = harness.due_firing_in(3)
        units = {f"w{i:02d}": {"name": f"Đơn vị {i:02d}", "webhooks": ["hook"]}
                 for i in range(N)}
        harness.write_webhook_only_config(
            self.ws, {"hook": {"url": sink.url(), "timeout": "10s"}}, units, due)
        expected = {harness.reminder_key("p1", "dong-loat", due, "2h", u) for u in units}

        d = self.start_daemon()
        harness.wait_until(lambda: expected <= set(sink.keys()), 20, daemons=[d],
                           desc=f"all {N} ids received")
        ids = Counter(sink.keys())
        self.assertEqual({k: 1 for k in expected}, dict(ids), "each id exactly once")

        connections = {r.peer for r in sink.requests}
        self.assertLessEqual(len(connections), CHANNEL_CONCURRENCY,
                             f"{N} requests over {len(connections)} connections")

        keys = {harness.webhook_journal_key(k, "hook") for k in expected}

        def all_delivered():
            rows = harness.journal_rows(self.ws.state_dir)
            return all(rows.get(k, {}).get("state") == "delivered" for k in keys)

        # A request is listed as soon as it is read, and its journal row looked up after:
        # once every row is delivered, every request has been answered, so every lookup
        # (made before its answer) is in.
        harness.wait_until(all_delivered, 10, daemons=[d], desc="every row delivered")
        self.assertEqual({k: "pending" for k in keys}, seen_at_arrival,
                         "each attempt is in the journal before its request is sent")
        rows = harness.journal_rows(self.ws.state_dir)
        self.assertEqual({1}, {rows[k]["attempts"] for k in keys})
        d.stop()


if __name__ == "__main__":
    harness.main()
