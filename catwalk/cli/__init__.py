"""The `catwalk` command: the operator's and developer's front door."""
