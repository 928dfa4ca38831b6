"""Instructions a whole run of a bench script costs under valgrind: what `make bench-signup-cost`
and `make bench-manage-cost` difference between a short and a long run (far steadier than the CPU
time on a shared machine: within a fraction of a percent for most, ~5 % for the management page)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def require_valgrind() -> None:
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is needed (Debian: apt-get install valgrind)")


def instructions(script: str, *args: str) -> int:
    """Instructions of `python script *args` under callgrind, start-up and warm-up included."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        script,
        *args,
    ]
    # Under valgrind a request takes some fifty times as long: with the one-second window, each
    # process's copies of the shared cache (common.local_copies) would be read again every few
    # requests, where at full speed it is once in hundreds. Held for the run, they cost what they
    # cost in a rush.
    environment = {**os.environ, "LOCAL_COPY_SECONDS": "3600"}
    finished = subprocess.run(  # noqa: S603
        command, cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return int(re.search(r"Collected : (\d+)", finished.stderr).group(1))
