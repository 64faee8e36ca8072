"""CLI commands for kefu.pr."""

import click

COMMANDS: list[click.Command] = []
