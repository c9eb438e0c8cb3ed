"""One stored ticket message on its way out: what to send where, and the sending.

:class:`Delivery` is planned (:func:`plan`) by the relay (:mod:`bot.telegram.desk.batches`)
inside its claim's transaction and sent after it: a copy of the customer's original into the
topic, an agent's text (signed if asked) or an article to the customer, or the bot's own
notice about the ticket, rendered when it is sent.
"""

from __future__ import annotations

from html import escape

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import ReplyParameters
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import TicketMessage
from bot.db.repo import get_agent, get_message_by_relay, get_message_by_source
from bot.db.repo.relay_batches import Claimed
from bot.serving.answers import Answers
from bot.telegram.csat import csat_question
from bot.telegram.sending import send_text
from bot.texts import Texts
from bot.tickets import NOTICE_TYPES, BotNotice, MessageDirection

__all__ = ["Delivery", "counterpart", "plan"]


async def counterpart(
    session: AsyncSession, source_chat_id: int | None, reply_to: int | None, chat_id: int
) -> int | None:
    """The message in ``chat_id`` that a message of ``source_chat_id`` replying to
    ``reply_to`` there should reply to, if it is a reply.

    A reply to a copy the bot made (an agent answering a customer's message in the topic)
    becomes a reply to its original; a reply to an original that was relayed (a customer
    answering the bot's copy of an agent's message... or an agent replying to a colleague's
    relayed answer) becomes a reply to its copy.
    """
    if reply_to is None or source_chat_id is None:
        return None
    copy = await get_message_by_relay(session, source_chat_id, reply_to)
    if copy is not None and copy.source_chat_id == chat_id:
        return copy.source_message_id
    original = await get_message_by_source(session, source_chat_id, reply_to)
    if original is not None and original.relay_chat_id == chat_id:
        return original.relay_message_id
    return None


async def plan(
    session: AsyncSession,
    message: Claimed,
    *,
    bot: Bot,
    texts: Texts,
    answers: Answers,
    agents_chat: int,
    signature: bool,
) -> Delivery:
    """What to send where for a claimed message, decided inside the claim's transaction.

    :param agents_chat: the agents' group, where a customer's message goes (its topic)
    :param signature: sign an agent's reply with their first name
    """
    to_customer = message.direction is MessageDirection.OUT
    chat_id = message.customer_chat_id if to_customer else agents_chat
    reply_to = await counterpart(
        session, message.source_chat_id, message.reply_to_message_id, chat_id
    )
    if message.edit_of_id is not None:
        original = await session.get(TicketMessage, message.edit_of_id)
        if original is not None and original.relay_message_id is not None:
            reply_to = original.relay_message_id  # the edit answers the copy it changes
    signed = None
    if to_customer and signature and message.author_id is not None:
        agent = await get_agent(session, message.author_id)
        if agent is not None and agent.first_name:
            signed = texts.render("agent_signature", name=agent.first_name)
    source = None
    if message.source_chat_id is not None and message.source_message_id is not None:
        source = (message.source_chat_id, message.source_message_id)
    return Delivery(
        bot=bot,
        texts=texts,
        answers=answers,
        message_id=message.id,
        to_customer=to_customer,
        chat_id=chat_id,
        topic_id=message.topic_id,
        thread=None if to_customer else message.topic_id,
        reply_to=reply_to,
        text=message.text,
        is_edit=message.edit_of_id is not None,
        content_type=message.content_type,
        source=source,
        article_id=message.article_id,
        signature=signed,
        number=message.number,
    )


class Delivery:
    """One message's way out: copy, text or article, to the topic or the customer."""

    def __init__(
        self,
        *,
        bot: Bot,
        texts: Texts,
        answers: Answers,
        message_id: int,
        to_customer: bool,
        chat_id: int,
        topic_id: int | None,
        thread: int | None,
        reply_to: int | None,
        text: str | None,
        is_edit: bool,
        content_type: str,
        source: tuple[int, int] | None,
        article_id: str | None,
        signature: str | None,
        number: int,
    ) -> None:
        self.bot = bot
        self.texts = texts
        self.answers = answers
        self.message_id = message_id
        self.to_customer = to_customer
        self.chat_id = chat_id
        self.topic_id = topic_id
        self.thread = thread
        self.reply_to = reply_to
        self.text = text
        self.is_edit = is_edit
        self.content_type = content_type
        self.source = source
        self.article_id = article_id
        self.signature = signature
        self.number = number  # the ticket's, for a notice to the customer

    @property
    def _reply(self) -> ReplyParameters | None:
        if self.reply_to is None:
            return None
        return ReplyParameters(message_id=self.reply_to, allow_sending_without_reply=True)

    async def send(self) -> int:
        bot, texts = self.bot, self.texts
        if self.article_id is not None:
            return await self._send_article()
        if self.content_type in NOTICE_TYPES:
            return await self._send_notice(BotNotice(self.content_type))
        if self.is_edit:
            text = texts.render("agents/customer_edited", text=self.text or "")
            return await self._send_text(text)
        if self.to_customer and self.content_type == "text" and self.text is not None:
            # Stored as the agent's HTML (entities kept), so it can carry the signature.
            text = self.text if self.source is not None else escape(self.text, quote=False)
            if self.signature:
                text = f"{text}\n\n{self.signature}"
            return await self._send_text(text)
        reading = self._reading()
        if self.source is not None and reading is None:
            try:
                copied = await bot.copy_message(
                    self.chat_id,
                    from_chat_id=self.source[0],
                    message_id=self.source[1],
                    message_thread_id=self.thread,
                    reply_parameters=self._reply,
                    caption=self._caption(),
                )
                return copied.message_id
            except TelegramBadRequest:
                if not self.text:
                    raise  # nothing to fall back on: the original is gone
        text = self.text or ""
        if not self.to_customer:
            text = texts.render("agents/customer_said", text=text, reading=reading)
        return await self._send_text(text)

    def _reading(self) -> str | None:
        """A customer's text as the bot read it, when typed in the wrong keyboard layout or in
        translit: agents get «ghbdtn? rfr» with «привет? как» below it, in one post (its
        original is not copied then)."""
        if self.to_customer or self.content_type != "text" or not self.text:
            return None
        return self.answers.reading(self.text)

    def _caption(self) -> str | None:
        if not (self.to_customer and self.signature):
            return None  # the original caption, entities and all
        caption = self.text or ""
        return f"{caption}\n\n{self.signature}" if caption else self.signature

    async def _send_text(self, text: str) -> int:
        return await send_text(
            self.bot,
            self.chat_id,
            text,
            message_thread_id=self.thread,
            reply_parameters=self._reply,
        )

    async def _send_notice(self, notice: BotNotice) -> int:
        """The bot's own word about the ticket, rendered when it is sent."""
        texts, markup = self.texts, None
        if notice is BotNotice.CSAT_QUESTION:
            text, markup = csat_question(texts, self.number)
        else:
            text = texts.render("ticket_reopened", number=self.number)
        return await send_text(self.bot, self.chat_id, text, reply_markup=markup)

    async def _send_article(self) -> int:
        """The article as the bot itself would answer with it: rendered chunks, in order."""
        article = self.answers.get(self.article_id or "")
        if article is None:
            raise TelegramBadRequest(
                method=None,  # type: ignore[arg-type]
                message=f"the article {self.article_id!r} is no longer in the knowledge base",
            )
        first: int | None = None
        for chunk in self.answers.chunks(article):
            sent = await send_text(
                self.bot,
                self.chat_id,
                **chunk.as_kwargs(),
                reply_parameters=self._reply if first is None else None,
            )
            first = first if first is not None else sent
        assert first is not None
        return first
