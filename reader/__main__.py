"""``python -m reader`` runs the ``reader`` command."""

import sys

from reader.cli import main

if __name__ == "__main__":  # not when a child process imports it (parsing in a process pool)
    sys.exit(main())
