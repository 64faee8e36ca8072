"""CLI commands for kefu.deadlines."""

import click

COMMANDS: list[click.Command] = []
