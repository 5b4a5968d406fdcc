"""``python -m viz.cli``: the ``borderlines`` command."""

import sys

from viz.cli import main

sys.exit(main())
