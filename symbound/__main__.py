"""``python -m symbound report``."""

import sys

from .cli import main

sys.exit(main())
