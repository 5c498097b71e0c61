"""The command line. Importing it first loads the Chinese catalogue for the framework's own text,
before typer is imported (some of typer's strings are translated at import time)."""

from kepu_inspect.cli import i18n as _i18n

_i18n.install()
