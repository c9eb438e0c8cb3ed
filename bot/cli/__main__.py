"""``python -m bot.cli``: the same as the ``faqbot`` console script."""

from bot.cli import main

main()
