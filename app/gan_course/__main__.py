"""`python -m gan_course …`: the command line (see gan_course.cli)."""

import sys

from gan_course.cli import main

sys.exit(main())
