"""The web page for knowledge-base authors and leads: ``faqbot web`` (see :mod:`bot.web.app`)."""

from bot.web.app import build_app
from bot.web.site import SITE, Site

__all__ = ["SITE", "Site", "build_app"]
