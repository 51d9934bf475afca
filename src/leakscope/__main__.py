"""`python -m leakscope` runs the same command as `leakscope`."""

import sys

from leakscope.cli import main

if __name__ == "__main__":
    sys.exit(main())
