"""`python -m veille`."""

import sys

from veille.cli import main

sys.exit(main())
