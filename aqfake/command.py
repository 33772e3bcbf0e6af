"""The ``aqfake`` console script: the command line, or one line naming the missing extra.

``pip install aqsession`` installs the script but not the ``aqsession[testing]`` extra the fake
runs on; without it, the script says so in one line and exits with 2 instead of a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .extras import install_hint, missing_extra


def main(argv: Sequence[str] | None = None) -> int:
    """Run :func:`aqfake.cli.main`, or explain which extra it needs."""
    try:
        from .cli import main as cli_main
    except ImportError as error:
        missing = missing_extra(error)
        if missing is None:
            raise
        print("aqfake: cannot run " + install_hint(missing, "the aqfake command"), file=sys.stderr)
        return 2
    return cli_main(argv)
