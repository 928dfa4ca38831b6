"""Instructions a whole run of a bench script costs under valgrind: what `make bench-signup-cost`
and `make bench-manage-cost` difference between a short and a long run (repeatable to within a
fraction of a percent, unlike the CPU time on a shared machine)."""

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
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    return int(re.search(r"Collected : (\d+)", finished.stderr).group(1))
