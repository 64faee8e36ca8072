"""CLI commands for kefu.forms."""

import click

COMMANDS: list[click.Command] = []
