"""`python -m gan_course …`: the command line (see gan_course.cli)."""

import os
import sys

from gan_course.cli import main

try:
    sys.exit(main())
except BrokenPipeError:  # the reader went away, e.g. `python -m gan_course presets | head -1`
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(1)
