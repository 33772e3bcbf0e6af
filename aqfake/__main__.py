"""``python -m aqfake``: the same command line as the ``aqfake`` script."""

import sys

from .cli import main

sys.exit(main())
