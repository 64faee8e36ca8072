"""`python -m kefu.cli` runs the kefu command."""

from kefu.cli import run

run()
