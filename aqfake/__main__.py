"""``python -m aqfake``: the same command line as the ``aqfake`` script."""

import sys

from .command import main

sys.exit(main())
