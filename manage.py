#!/usr/bin/env python
"""Django's command-line utility; `kam` (kam/cli.py) is the same with a friendlier name."""

import sys

from kam.cli import main

if __name__ == "__main__":
    sys.exit(main())
