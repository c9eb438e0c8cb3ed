"""The customer-facing Telegram bot (aiogram 3): routers per feature over the services.

app = build_app(settings, services)    # services: bot.serving.Services, built by bot.startup
await app.run_polling()
"""

from bot.telegram.app import App, build_app, make_bot
from bot.telegram.csat import ask_csat
from bot.telegram.storage import SqlStorage

__all__ = ["App", "SqlStorage", "ask_csat", "build_app", "make_bot"]
