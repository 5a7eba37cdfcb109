"""Catwalk: video try-on generation backend. Importing this package does nothing."""
