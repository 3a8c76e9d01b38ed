#!/usr/bin/python3
"""Generates the benchmark inputs: a deadlined config of N one-off tasks (4 leads each)
spread over 100 plan files, and the same deadlines as a Remind file.

    bench/gen.py OUT_DIR N

OUT_DIR/main.toml, OUT_DIR/plans/plan-NNN.toml, OUT_DIR/remind.rem. Deadlines fall on the
days of the year after the current one, so that the daemon schedules all of them; each task
has one responsible unit out of 50 (each unit with an email address).
"""

import datetime as dt
import random
import sys
from pathlib import Path

PLANS = 100
UNITS = 50


def main() -> None:
    out, n = Path(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(20261129)
    (out / "plans").mkdir(parents=True, exist_ok=True)
    year = dt.date.today().year + 1
    units = "".join(
        f'[units.u{u:02d}]\nname = "Phòng {u:02d}"\nemail = ["u{u:02d}@bench.example"]\n\n'
        for u in range(UNITS))
    (out / "main.toml").write_text(
        '[service]\nplans = ["plans/*.toml"]\nstate_dir = "state"\nmonitor = "u00"\n'
        'leads = ["7d", "3wd", "1d", "0d"]\n\n'
        '[email]\ntransport = "maildir"\nfrom = "Văn phòng <vp@bench.example>"\n\n' + units)
    remind = []
    per_plan = (n + PLANS - 1) // PLANS
    task = 0
    for p in range(PLANS):
        lines = [f'[plan]\nid = "plan-{p:03d}"\ntitle = "Kế hoạch thử tải số {p}"\n']
        for _ in range(per_plan):
            if task == n:
                break
            due = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
            unit = rng.randrange(UNITS)
            lines.append(f'[[task]]\nid = "t{task:06d}"\ntitle = "Báo cáo số {task}"\n'
                         f'responsible = ["u{unit:02d}"]\ndue = {due.isoformat()}\n')
            # The same deadline and advance warning (7 days, the longest lead) for Remind.
            remind.append(f"REM {due.day} {due.strftime('%b')} {due.year} +7 MSG "
                          f"plan-{p:03d}/t{task:06d} u{unit:02d} %b")
            task += 1
        (out / "plans" / f"plan-{p:03d}.toml").write_text("\n".join(lines))
    (out / "remind.rem").write_text("\n".join(remind) + "\n")


if __name__ == "__main__":
    main()
