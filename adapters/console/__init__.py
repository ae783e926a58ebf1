"""The console adapter: a terminal chat for local use, demos and tests."""
