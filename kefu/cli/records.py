"""CLI commands for kefu.records."""

import click

COMMANDS: list[click.Command] = []
