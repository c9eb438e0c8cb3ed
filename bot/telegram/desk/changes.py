"""Changing a ticket from the desk: one lifecycle event, one transaction.

The event (``bot.tickets.on_*``) decides; :func:`bot.db.repo.apply` stores; a word for the
customer that goes with the change (:class:`~bot.tickets.BotNotice`) is stored in the same
transaction and delivered by the relay, so the change and the customer's notice cannot part.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.db.models import Ticket
from bot.db.repo import add_message, apply, get_ticket, state_of
from bot.serving import Services
from bot.tickets import BotNotice, MessageDirection, TicketChange, TicketState

__all__ = ["change_ticket"]


async def change_ticket(
    services: Services,
    ticket_id: int,
    event: Callable[[TicketState], TicketChange],
    *,
    notice: BotNotice | None = None,
) -> Ticket:
    """Apply ``event`` to the ticket's state and store the change, with ``notice`` if any.

    :param event: e.g. ``on_reopen`` or ``lambda state: on_take(state, agent_id)``
    :param notice: what the customer is told with it (sent by the relay)
    :raises TicketError: the event refuses (``TicketNotOpen``...), nothing is stored
    :raises TicketAlreadyOpen: reopening while the customer has another open ticket
    """
    async with services.database.transaction() as session:
        ticket = await get_ticket(session, ticket_id)
        assert ticket is not None
        await apply(session, ticket, event(state_of(ticket)), now=services.clock)
        if notice is not None:
            await add_message(
                session,
                ticket,
                direction=MessageDirection.OUT,
                text=None,
                content_type=notice.value,
                now=services.clock,
            )
        return ticket
