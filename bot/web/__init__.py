"""The web page for knowledge-base authors and leads: ``faqbot web`` (see :mod:`bot.web.app`)."""

from bot.web.app import SERVICES, Services, build_app
from bot.web.server import reload_after_write, serve

__all__ = ["SERVICES", "Services", "build_app", "reload_after_write", "serve"]
