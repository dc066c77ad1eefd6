"""The names Frist is published under, in one place (issue 20, "a name that is ours").

`frist` on the package index is an unrelated calendar library whose wheel installs an import
package `frist` and a console script `frist`; installing it beside this one (or `pip install
-U frist`) replaced our command. So the distribution is `frist-inkasso`, the import package
`frist_inkasso` and the command `frin` (FRist-INkasso: short, and neither a distribution on
the index nor a command of a Debian package when it was chosen). Messages that name the
command or an install line take them from here; pyproject.toml states them for packaging
and tests/test_names.py checks both agree and that no document names the old ones.
"""
from __future__ import annotations

__all__ = ["DISTRIBUTION", "IMPORT_PACKAGE", "COMMAND", "CACHE_NAME", "DEFAULT_LOG", "install_line"]

DISTRIBUTION = "frist-inkasso"
IMPORT_PACKAGE = "frist_inkasso"
COMMAND = "frin"
CACHE_NAME = DISTRIBUTION       # the platform's cache/data folder name (platformdirs)


def install_line(extra: str | None = None) -> str:
    """The `pip install` line for the package, with an extra: `pip install 'frist-inkasso[batch]'`."""
    return f"pip install '{DISTRIBUTION}[{extra}]'" if extra else f"pip install {DISTRIBUTION}"

# The decision log's default file (engine/audit/backend.py), in the folder the command runs in.
DEFAULT_LOG = "frist-decisions.sqlite"
