"""The framework's own words in Chinese, whatever the system's language.

typer looks its strings up with ``gettext.gettext``, some of them when a module is first imported
(the help panel titles), and the language normally comes from ``LANG`` — which Windows does not set,
and which a clerk's Linux may set to English. So before typer is imported, the shipped zh_CN catalogue
is loaded explicitly and made the process's text domain. The catalogue is a few hundred bytes: loading
it costs one small file read.
"""

from __future__ import annotations

import gettext
import os

DOMAIN = "kepu_inspect"
LANGUAGE = "zh_CN"


def locale_dir() -> str:
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "locale")


def install() -> gettext.NullTranslations:
    """Make the framework speak Chinese in this process; returns the loaded catalogue."""
    directory = locale_dir()
    # Loading explicitly fails loudly if the catalogue was not shipped, and caches it: the global
    # lookups below find the same object by its file name.
    catalogue = gettext.translation(DOMAIN, directory, languages=[LANGUAGE])
    # gettext's global functions choose the language from the environment only; LANGUAGE outranks
    # LC_ALL/LANG, so a system set to English (or Windows, with none of them) still gets Chinese.
    os.environ["LANGUAGE"] = LANGUAGE
    gettext.bindtextdomain(DOMAIN, directory)
    gettext.textdomain(DOMAIN)
    return catalogue
