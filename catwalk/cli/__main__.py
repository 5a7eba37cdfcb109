"""`python -m catwalk.cli`: the `catwalk` command where no entry point is installed (containers)."""

from catwalk.cli.main import main

main()
