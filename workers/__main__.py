"""`python -m workers` is the `govreports` command."""

from workers.cli import main

main()
