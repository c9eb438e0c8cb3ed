"""The services every front end shares: the knowledge base being served, transactions, service
levels with the clock, hot reload, flood limits and the suggestion path.

Transport-neutral: nothing here speaks Telegram or HTTP. The bot (:mod:`bot.telegram`), the web
page (:mod:`bot.web`), the CLI and the benchmarks take them as they are; :mod:`bot.startup`
builds them once from the settings (:class:`Services`).
"""

from bot.serving.answers import DEPTH, Answers, Version, article_key
from bot.serving.database import Database
from bot.serving.learning import Approval, Decided, Learning, Suggested
from bot.serving.rate_limit import MemoryRateLimiter, RateLimiter, RedisRateLimiter, Verdict
from bot.serving.reload import OnProblems, OnReloaded, Reloaded, Reloader
from bot.serving.service_levels import ServiceLevels
from bot.serving.services import Services
from bot.serving.worker import Worker

__all__ = [
    "DEPTH",
    "Answers",
    "Approval",
    "Database",
    "Decided",
    "Learning",
    "MemoryRateLimiter",
    "OnProblems",
    "OnReloaded",
    "RateLimiter",
    "RedisRateLimiter",
    "Reloaded",
    "Reloader",
    "ServiceLevels",
    "Services",
    "Suggested",
    "Verdict",
    "Version",
    "Worker",
    "article_key",
]
