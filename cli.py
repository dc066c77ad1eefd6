"""`frin` from a source checkout: `python cli.py ARGS`, and `import cli` in the tests.

The CLI itself is `engine/cli/app.py`; the installed console script runs
`frist_inkasso.engine.cli:main`. In the wheel this file is `frist_inkasso/cli.py`, so it imports the
package relatively there and absolutely in the checkout.
"""
import sys

try:
    from .engine.cli.app import ExitCode, main, run  # installed: frist_inkasso.cli
except ImportError:
    from engine.cli.app import ExitCode, main, run  # the checkout

__all__ = ["main", "run", "ExitCode"]

if __name__ == "__main__":
    sys.exit(main())
