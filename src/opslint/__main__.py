"""`python -m opslint`.

Python puts the working folder first on the import path of `python -m`; that folder may be
a scanned tree, so it is taken off before opslint imports anything else or looks for
plugins (`python -P -m opslint` keeps it off from the start).
"""

import sys
from pathlib import Path

if sys.path and sys.path[0] in ("", str(Path.cwd())):
    del sys.path[0]

from opslint.cli import main

sys.exit(main())
