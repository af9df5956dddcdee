"""`python -m workers` is the `govreports` command."""

from workers.entry import main

main()
