"""`python -m graders` runs the `grade` command."""

import sys

from .cli import main

sys.exit(main())
