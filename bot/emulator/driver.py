"""A customer driving the bot through the emulator: say, press a button, fill in the ticket form.

The tests and the benchmarks both play customers this way, so it lives beside the emulator and
not in either of them: it speaks only the Bot API (through :class:`TelegramEmulator`) and
imports nothing of the bot's, so the tests, the benchmarks and a developer's local try can all
import it without an upward import (``benchmarks`` never imports ``tests``, ``tests`` never
imports ``benchmarks``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .people import FakeUser
from .server import TelegramEmulator
from .state import JSON


@dataclass
class Chat:
    """One customer talking to the running bot: what they do, and what the bot answers."""

    telegram: TelegramEmulator
    user: FakeUser
    sent: list[JSON] = field(default_factory=list)

    async def say(self, text: str) -> JSON:
        """Send ``text``; the bot's next message in this chat."""
        self.sent.append(self.telegram.send_text(self.user, self.user.private_chat, text))
        return await self.reply()

    async def reply(self, timeout: float = 5.0) -> JSON:
        return await self.telegram.next_bot_message(self.user.private_chat, timeout=timeout)

    async def press(
        self, message: JSON, *, text: str | None = None, data: str | None = None
    ) -> JSON:
        """Press a button of ``message``; the bot's next message."""
        self.click(message, text=text, data=data)
        return await self.reply()

    def click(self, message: JSON, *, text: str | None = None, data: str | None = None) -> JSON:
        return self.telegram.press_button(message, data, text=text)

    async def callback_answer(self, query: JSON) -> JSON:
        call = await self.telegram.wait_for(
            "answerCallbackQuery", lambda c: c.params.get("callback_query_id") == query["id"]
        )
        return call.params


def buttons(message: JSON) -> list[str]:
    """The texts of a message's inline buttons, row by row."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button["text"] for row in rows for button in row]


async def file_ticket(chat: Chat, question: str = "рецепт борща") -> JSON:
    """The customer goes through the form with the defaults; the bot's «создана» message.

    The button texts are the bot's (``bot/templates``): a changed form fails here first.
    """
    step = await chat.say(question)
    step = await chat.press(step, text="Оставить как есть")
    for _ in range(5):
        step = await chat.press(step, text=buttons(step)[0])
    step = await chat.say("Пропустить")
    step = await chat.press(step, text="🔴 Срочно, прямо сейчас")
    step = await chat.press(step, text="Неудобно, но терпимо")
    created = await chat.press(step, text="Отправить")
    assert "создана" in created["text"], created["text"]
    return created
