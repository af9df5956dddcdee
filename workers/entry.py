"""The `govreports` executable: the file commands' fast front, then the full command line.

`extract`, `clean` and `links` in their plain forms are answered by `workers.file_commands` without
loading Typer, Rich or pydantic (about 0.2 s of a 0.4 s start); every other command, and any form the
front does not parse, goes to the Typer app in `workers.cli`, which prints the help and the errors.
"""

from __future__ import annotations

import sys


def main() -> None:
    from workers.file_commands import run

    code = run(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from workers.cli import main as full

    full()
