"""``python -m bot [--webhook] [--articles DIR]``: ``faqbot run`` under another name.

The composition root is :mod:`bot.startup`; this is only a way to start it.
"""

import sys

from bot.cli import main

if __name__ == "__main__":
    main(["run", *sys.argv[1:]])
