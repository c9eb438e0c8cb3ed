"""One router per feature, in the order they get a chance at an update.

Commands first (they work in any state), then the states that expect something particular
(the ticket form, the CSAT comment), then the dialogue, and last whatever no one else took.
"""

from __future__ import annotations

from aiogram import Router

from bot.telegram.routers import csat, fallback, feedback, question, start, status, ticket_form

__all__ = ["get_routers"]


def get_routers() -> list[Router]:
    """Fresh routers for a dispatcher (a router can belong to one dispatcher only)."""
    return [
        start.get_router(),
        status.get_router(),
        ticket_form.get_router(),
        csat.get_router(),
        question.get_router(),
        feedback.get_router(),
        fallback.get_router(),
    ]
