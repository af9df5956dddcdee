"""The `govreports` executable: the file commands' fast front, then the full command line.

`extract`, `clean` and `links` in their plain forms are answered by `workers.file_commands` without
loading Typer, Rich or pydantic (about 0.2 s of a 0.4 s start); every other command, and any form the
front does not parse, goes to the Typer app in `workers.cli`, which prints the help and the errors.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    try:
        _run()
    except BrokenPipeError:
        # `govreports extract … | head`: the reader left; stop quietly, as Unix tools do, instead of a
        # traceback. Further writes (the interpreter flushing stdout at exit) go nowhere.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(141)  # 128 + SIGPIPE, what a shell reports for a tool killed by the signal


def _run() -> None:
    from workers.file_commands import run

    code = run(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from workers.cli import main as full

    full()
