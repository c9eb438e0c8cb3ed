"""How the articles did in a period, for the articles table and each article's page."""

from __future__ import annotations

from bot.db.repo import list_questions, list_ticket_openings, tally_votes
from bot.serving.database import Database
from bot.web.outcomes import ArticleUsage, Tickets, article_usage
from bot.web.pages import Window

__all__ = ["load_usage"]


async def load_usage(db: Database, period: Window) -> dict[str, ArticleUsage]:
    """Per article id; articles nobody asked about are missing (all zero)."""
    async with db.transaction() as session:
        questions = await list_questions(session, since=period.since, until=period.until)
        # A ticket right after the period still tells on an answer given in it.
        tickets = await list_ticket_openings(session, since=period.since)
        votes = await tally_votes(session, since=period.since, until=period.until)
    return article_usage(questions, Tickets(tickets), votes)
