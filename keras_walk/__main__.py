"""`python -m keras_walk ...`: the `keras-walk` command."""

import sys

from keras_walk.cli import main

sys.exit(main())
