"""`python -m kefu.cli` runs the kefu command."""

from kefu.cli import main

main()
