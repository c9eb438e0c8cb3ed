"""A forum topic per ticket in the agents' chat: created once, named and carded as it changes.

The topic's name carries the priority colour, number, line, subject and status
(``🔴 #1042 · Не приходит код из SMS · новая``); its first message is the ticket card, edited
whenever the ticket changes. Creation is claimed in the database first (see
:func:`bot.db.repo.claim_topic`), so that concurrent workers, even in several processes,
create one topic per ticket.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.db.models import Ticket
from bot.db.repo import claim_topic, get_agent, get_ticket, list_votes, set_card
from bot.desk.labels import priority_icon
from bot.serving.answers import Answers
from bot.serving.database import Database
from bot.telegram.desk.callbacks import DeskAction
from bot.texts import Texts
from bot.tickets import IMPACT_SCALE, URGENCY_SCALE, Clock, utc_now

__all__ = ["Topics"]

logger = logging.getLogger(__name__)

_VOTES_BEFORE = timedelta(hours=24)
"""Votes this long before the ticket are shown on its card: the answers that led to it."""


class Topics:
    """Topics of the agents' forum supergroup, one per ticket.

    :param chat_id: the agents' chat (a supergroup with topics; the bot an administrator)
    """

    def __init__(
        self,
        bot: Bot,
        db: Database,
        texts: Texts,
        answers: Answers,
        chat_id: int,
        *,
        clock: Clock = utc_now,
        stale_after: float = 60.0,
    ) -> None:
        self.bot = bot
        self.db = db
        self.texts = texts
        self.answers = answers
        self.chat_id = chat_id
        self.clock = clock
        self.stale_after = stale_after

    async def ensure(self, ticket_id: int) -> int | None:
        """The ticket's topic, created (with its card and attachments) if it has none.

        :returns: the topic's ``message_thread_id``; ``None`` while another worker creates it
        :raises TelegramAPIError: Telegram refused (the claim is released for a retry)
        """
        async with self.db.transaction() as session:
            ticket = await get_ticket(session, ticket_id)
            if ticket is None:
                return None
            if ticket.topic_id is not None:
                return ticket.topic_id
            if not await claim_topic(
                session,
                ticket_id,
                now=self.clock,
                stale_after=self.stale_after,
                worker=self.db.worker,
            ):
                return None
            name = self.name(ticket)
            card = await self._card(session, ticket)
        try:
            topic = await self.bot.create_forum_topic(self.chat_id, name)
        except TelegramAPIError:
            await self._release(ticket_id)
            raise
        thread = topic.message_thread_id
        card_id: int | None = None
        try:
            sent = await self.bot.send_message(
                self.chat_id, card, message_thread_id=thread, reply_markup=self.keyboard(ticket)
            )
            card_id = sent.message_id
        except TelegramAPIError as error:
            # The topic exists: keep it; the card is sent again by the next refresh.
            logger.error("ticket #%s: the card could not be sent: %s", ticket.number, error)
        async with self.db.transaction() as session:
            stored = await get_ticket(session, ticket_id)
            if stored is not None:
                await set_card(session, stored, topic_id=thread, card_message_id=card_id)
        await self._send_attachments(ticket, thread)
        logger.info("ticket #%s: topic %s", ticket.number, thread)
        return thread

    async def _release(self, ticket_id: int) -> None:
        from sqlalchemy import update

        async with self.db.transaction() as session:
            await session.execute(
                update(Ticket)
                .where(Ticket.id == ticket_id, Ticket.topic_id.is_(None))
                .values(topic_claimed_at=None)
            )

    async def refresh(self, ticket_id: int) -> None:
        """Bring the topic's name and card up to date with the ticket (no-op without topic)."""
        async with self.db.transaction() as session:
            ticket = await get_ticket(session, ticket_id)
            if ticket is None or ticket.topic_id is None:
                return
            name = self.name(ticket)
            card = await self._card(session, ticket)
        with contextlib.suppress(TelegramBadRequest):  # "not modified": the same name
            await self.bot.edit_forum_topic(
                self.chat_id, message_thread_id=ticket.topic_id, name=name
            )
        if ticket.card_message_id is not None:
            with contextlib.suppress(TelegramBadRequest):  # "message is not modified"
                await self.bot.edit_message_text(
                    card,
                    chat_id=self.chat_id,
                    message_id=ticket.card_message_id,
                    reply_markup=self.keyboard(ticket),
                )

    def name(self, ticket: Ticket) -> str:
        subject = ticket.what_happened or ticket.question
        return self.texts.plain(
            "agents/topic_name",
            number=ticket.number,
            subject=self.answers.reading(subject) or subject,  # not «ghbdtn? e vtyz…»
            status=ticket.status.label_ru,
            icon=priority_icon(ticket.priority),
            line=ticket.line,
        )

    def keyboard(self, ticket: Ticket) -> InlineKeyboardMarkup:
        """«Взять себе» while nobody has it; «Закрыть» while it is open."""
        row: list[InlineKeyboardButton] = []
        if ticket.assignee_id is None and ticket.status.is_open:
            row.append(
                InlineKeyboardButton(
                    text=self.texts.button("desk_take"),
                    callback_data=DeskAction(action="take", number=ticket.number).pack(),
                )
            )
        if ticket.status.is_open:
            row.append(
                InlineKeyboardButton(
                    text=self.texts.button("desk_close"),
                    callback_data=DeskAction(action="close", number=ticket.number).pack(),
                )
            )
        return InlineKeyboardMarkup(inline_keyboard=[row] if row else [])

    async def _card(self, session: Any, ticket: Ticket) -> str:
        customer = ticket.customer
        agent = await get_agent(session, ticket.assignee_id) if ticket.assignee_id else None
        votes = await list_votes(
            session,
            customer.id,
            since=ticket.created_at - _VOTES_BEFORE,
            until=ticket.created_at + timedelta(seconds=1),
        )
        shown_votes = []
        for vote in votes:
            article = self.answers.get(vote.article_id)
            title = article.title if article is not None else vote.article_id
            shown_votes.append({"title": title, "helped": vote.helpful})
        name = " ".join(part for part in (customer.first_name, customer.last_name) if part)
        resolved = (
            self.answers.get(ticket.resolved_article_id) if ticket.resolved_article_id else None
        )
        return self.texts.render(
            "agents/ticket_card",
            number=ticket.number,
            icon=priority_icon(ticket.priority),
            priority=ticket.priority.label_ru.lower(),
            status=ticket.status.label_ru,
            line=ticket.line,
            assignee=agent.first_name
            if agent is not None
            else (str(ticket.assignee_id) if ticket.assignee_id else None),
            created=ticket.created_at,
            due=ticket.first_response_due if ticket.first_response_at is None else None,
            resolution_due=ticket.resolution_due if ticket.status.is_open else None,
            customer_name=name or str(customer.telegram_id),
            customer_username=customer.username,
            customer_id=customer.telegram_id,
            question=ticket.question,
            reading=self.answers.reading(ticket.question),
            what=ticket.what_happened,
            when=ticket.when_happened,
            error=ticket.error_text,
            tried=None,  # the same list as "rejected": what the customer already tried
            device=ticket.device,
            order=ticket.order_number,
            contact=ticket.contact,
            urgency=self.texts.button("urgency", level=URGENCY_SCALE[ticket.urgency]),
            impact=self.texts.button("impact", level=IMPACT_SCALE[ticket.impact]),
            rejected=list(ticket.tried),
            votes=shown_votes,
            attachments=len(ticket.attachments),
            article=resolved.title if resolved is not None else None,
        )

    async def _send_attachments(self, ticket: Ticket, thread: int) -> None:
        """The files the customer attached in the form, into the topic after the card."""
        for kind, file_id in ticket.attachment_pairs:
            method = _SENDERS.get(kind, "send_document")
            try:
                await getattr(self.bot, method)(self.chat_id, file_id, message_thread_id=thread)
            except TelegramAPIError as error:
                logger.warning("ticket #%s: attachment %s not sent: %s", ticket.number, kind, error)


_SENDERS = {
    "photo": "send_photo",
    "document": "send_document",
    "sticker": "send_sticker",
    "voice": "send_voice",
    "video": "send_video",
    "audio": "send_audio",
    "animation": "send_animation",
    "video_note": "send_video_note",
}
