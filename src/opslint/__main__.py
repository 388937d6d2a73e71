"""`python -m opslint`."""

import sys

from opslint.cli import main

sys.exit(main())
