"""``python -m reader`` runs the ``reader`` command."""

import sys

from reader.cli import main

sys.exit(main())
