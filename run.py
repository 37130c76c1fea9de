#!/usr/bin/env python3
"""riskgym's command line: `python run.py --help`."""
import sys

from riskgym.cli import main

if __name__ == "__main__":
    sys.exit(main())
