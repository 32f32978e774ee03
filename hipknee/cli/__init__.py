"""The ``hipknee`` command line: one module per group of subcommands, :mod:`.main` puts them together."""

from .main import build_parser, main

__all__ = ["build_parser", "main"]
