"""What one mail costs the worker, free of the machine's noise: `make bench-mail-cost`.

`python bench/mail_cost.py N` queues N confirmations (`bench/mails.py`, in a process of its own)
and drains them with `db_worker --batch` in this process: the task's claim, the mail's lock, its
data, the PDF ticket and the calendar, the SMTP conversation with a sink (aiosmtpd, a process of
its own) and the task's result, against the database `make bench` leaves; it prints the CPU time
per mail. `--instructions` runs it under valgrind for 10 and for 60 mails and prints the difference
per mail in instructions, which repeats to within a fraction of a percent (docs/performance.md)."""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.in_process import setup_django  # noqa: E402
from bench.instructions import instructions, require_valgrind  # noqa: E402
from bench.run import BENCH, ENV, MAIL_SINK, PY, SMTP, Processes, wait_for_port  # noqa: E402

FEW, MANY = 10, 60  # the two runs counted under valgrind


def queue(count: int) -> None:
    subprocess.run(  # noqa: S603
        [PY, "manage.py", "shell", "-v", "0"],
        cwd=ROOT,
        env={**ENV, "BENCH_MAILS": str(count)},
        input=(BENCH / "mails.py").read_text(),
        capture_output=True,
        text=True,
        check=True,
    )


def drain(count: int) -> float:
    """CPU seconds per mail of draining `count` queued mails in this process."""
    queue(count)
    processes = Processes()
    try:
        processes.start(*MAIL_SINK)
        wait_for_port(SMTP)
        setup_django(cache_db=13)
        from django.core.management import call_command

        started = time.process_time()
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
        return (time.process_time() - started) / count
    finally:
        processes.stop()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments == ["--instructions"]:
        require_valgrind()
        os.environ.update(ENV)
        per_mail = (instructions(__file__, str(MANY)) - instructions(__file__, str(FEW))) / (MANY - FEW)
        print(f"mail: {per_mail / 1e6:.2f} M instructions per mail")
    else:
        count = int(arguments[0]) if arguments else 200
        print(f"mail: {drain(count) * 1000:.2f} ms of CPU per mail ({count} mails)")
