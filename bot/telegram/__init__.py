"""The customer-facing Telegram bot (aiogram 3): routers per feature over the pure core.

app = build_app(settings, answers=Answers(index).warm_up(), engine=engine)
await app.run_polling()
"""

from bot.telegram.answers import Answers, article_key
from bot.telegram.app import App, build_app, make_bot
from bot.telegram.csat import ask_csat
from bot.telegram.database import Database
from bot.telegram.desk import Desk
from bot.telegram.reload import Reloaded, Reloader
from bot.telegram.storage import SqlStorage
from bot.telegram.webhook import SecretRequestHandler

__all__ = [
    "Answers",
    "App",
    "Database",
    "Desk",
    "Reloaded",
    "Reloader",
    "SecretRequestHandler",
    "SqlStorage",
    "article_key",
    "ask_csat",
    "build_app",
    "make_bot",
]
