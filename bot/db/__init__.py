"""Storage: tables, engine and sessions, migrations; queries live in :mod:`bot.db.repo`.

engine = create_engine(settings.database_url)
await check_database(engine)   # DatabaseUnavailable: one clear line
await upgrade(engine)          # Alembic, to the newest revision
sessions = create_sessionmaker(engine)
"""

from bot.db.migrate import downgrade, upgrade, upgrade_sync
from bot.db.models import (
    Attempt,
    AttemptDecision,
    Base,
    CannedReply,
    Customer,
    Ticket,
    TicketMessage,
    Vote,
)
from bot.db.session import DatabaseUnavailable, check_database, create_engine, create_sessionmaker

__all__ = [
    "Attempt",
    "AttemptDecision",
    "Base",
    "CannedReply",
    "Customer",
    "DatabaseUnavailable",
    "Ticket",
    "TicketMessage",
    "Vote",
    "check_database",
    "create_engine",
    "create_sessionmaker",
    "downgrade",
    "upgrade",
    "upgrade_sync",
]
