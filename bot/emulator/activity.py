"""What people do in Telegram, turned into updates for the bot: messages, edits, button presses."""

from __future__ import annotations

import copy
import itertools
from typing import Any

from .chat_methods import TOPIC_COLORS, create_topic
from .entities import detect_entities
from .keyboards import inline_buttons
from .people import FakeChat, FakeUser
from .state import JSON, MEMBER_STATUSES, ChatRecord, EmulatorState, Topic
from .updates import UpdateQueue


def chat_id_of(chat: FakeChat | int) -> int:
    return chat.id if isinstance(chat, FakeChat) else chat


_ALBUMS = itertools.count(13_553_541_426_437_280)
"""``media_group_id``s: digits, as Telegram's look."""


class UserActivity:
    """The test's side of the emulator: users write, edit, press buttons and open topics.

    Every method stores the message in the chat, queues the update for the bot and returns
    a copy of the message (or callback query) as the bot will receive it.
    """

    state: EmulatorState
    queue: UpdateQueue

    def __init__(self) -> None:
        self._user_ids = itertools.count(1001)
        self._group_ids = itertools.count(1)

    # people and chats

    def new_user(self, first_name: str = "Анна", **fields: Any) -> FakeUser:
        """A new user with the next free id (1001, 1002, ...); ``fields`` as in FakeUser."""
        return self.state.add_user(FakeUser(next(self._user_ids), first_name, **fields))

    def new_supergroup(
        self, title: str = "Поддержка", *, is_forum: bool = True, username: str | None = None
    ) -> FakeChat:
        """A new supergroup (a forum by default) where the bot is an administrator."""
        chat = FakeChat.supergroup(
            -1001000000000 - next(self._group_ids), title, is_forum=is_forum, username=username
        )
        return self.add_chat(chat)

    def add_chat(self, chat: FakeChat) -> FakeChat:
        """Make a chat known, so the bot can write there before anyone else has."""
        self.state.add_chat(chat)
        return chat

    def set_member(self, chat: FakeChat, user: FakeUser, status: str) -> None:
        """Set what getChatMember reports: creator, administrator, member, left or kicked."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {sorted(MEMBER_STATUSES)}, not {status!r}")
        self.state.add_user(user)
        self.state.add_chat(chat).members[user.id] = status

    def block(self, user: FakeUser) -> None:
        """The user blocks the bot: sending to them fails with 403."""
        self.state.blocked.add(user.id)

    # messages

    def _record(self, user: FakeUser, chat: FakeChat) -> ChatRecord:
        if chat.type == "private" and chat.id != user.id:
            raise ValueError(
                f"{user.first_name} (id {user.id}) can't write in the private chat {chat.id}"
            )
        self.state.add_user(user)
        return self.state.add_chat(chat)

    def _post(
        self,
        user: FakeUser,
        chat: FakeChat,
        content: JSON,
        *,
        topic: int | None,
        reply_to: JSON | None,
    ) -> JSON:
        record = self._record(user, chat)
        forum_topic: Topic | None = None
        if topic is not None:
            forum_topic = record.topics.get(topic)
            if forum_topic is None:
                known = sorted(record.topics) or "none"
                raise ValueError(f"chat {chat.id} has no topic {topic} (topics: {known})")
        target = None
        if reply_to is not None:
            target = record.message(reply_to["message_id"])
            if target is None:
                raise ValueError(f"message {reply_to['message_id']} is not in chat {chat.id}")
            if forum_topic is None and "message_thread_id" in target:
                forum_topic = record.topics.get(target["message_thread_id"])
        message = self.state.add_message(record, user, content, topic=forum_topic, reply_to=target)
        self.queue.push("message", copy.deepcopy(message))
        return copy.deepcopy(message)

    def send_text(
        self,
        user: FakeUser,
        chat: FakeChat,
        text: str,
        *,
        topic: int | None = None,
        reply_to: JSON | None = None,
        entities: list[JSON] | None = None,
    ) -> JSON:
        """The user writes ``text``; /commands, links, @mentions get entities as in Telegram.

        :param topic: message_thread_id of a forum topic
        :param reply_to: a message (dict) in the same chat the user replies to
        """
        content: JSON = {"text": text}
        found = entities if entities is not None else [e.to_json() for e in detect_entities(text)]
        if found:
            content["entities"] = found
        return self._post(user, chat, content, topic=topic, reply_to=reply_to)

    def _media(self, content: JSON, caption: str | None) -> JSON:
        if caption:
            content["caption"] = caption
            found = [e.to_json() for e in detect_entities(caption)]
            if found:
                content["caption_entities"] = found
        return content

    def send_photo(
        self,
        user: FakeUser,
        chat: FakeChat,
        *,
        caption: str | None = None,
        width: int = 1280,
        height: int = 720,
        topic: int | None = None,
        reply_to: JSON | None = None,
        media_group: str | None = None,
    ) -> JSON:
        """A photo; ``media_group``: one of an album (Telegram sends each as its own message,
        all with this ``media_group_id``)."""
        sizes = [
            self.state.new_file(
                "photo", width=90, height=max(1, 90 * height // width), file_size=1500
            ),
            self.state.new_file(
                "photo", width=width, height=height, file_size=width * height // 10
            ),
        ]
        content = self._media({"photo": sizes}, caption)
        if media_group is not None:
            content["media_group_id"] = media_group
        return self._post(user, chat, content, topic=topic, reply_to=reply_to)

    def send_album(
        self, user: FakeUser, chat: FakeChat, photos: int, *, caption: str | None = None
    ) -> list[JSON]:
        """``photos`` photos sent at once, as Telegram delivers an album: one message each,
        sharing a ``media_group_id``, the caption on the first."""
        group = str(next(_ALBUMS))
        return [
            self.send_photo(user, chat, caption=caption if i == 0 else None, media_group=group)
            for i in range(photos)
        ]

    def send_document(
        self,
        user: FakeUser,
        chat: FakeChat,
        *,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        file_size: int = 10_240,
        caption: str | None = None,
        topic: int | None = None,
        reply_to: JSON | None = None,
    ) -> JSON:
        document = self.state.new_file(
            "document", file_name=file_name, mime_type=mime_type, file_size=file_size
        )
        return self._post(
            user, chat, self._media({"document": document}, caption), topic=topic, reply_to=reply_to
        )

    def send_sticker(
        self,
        user: FakeUser,
        chat: FakeChat,
        *,
        emoji: str = "👍",
        topic: int | None = None,
        reply_to: JSON | None = None,
    ) -> JSON:
        sticker = self.state.new_file(
            "sticker",
            type="regular",
            width=512,
            height=512,
            is_animated=False,
            is_video=False,
            emoji=emoji,
        )
        return self._post(user, chat, {"sticker": sticker}, topic=topic, reply_to=reply_to)

    def send_voice(
        self,
        user: FakeUser,
        chat: FakeChat,
        *,
        duration: int = 3,
        topic: int | None = None,
        reply_to: JSON | None = None,
    ) -> JSON:
        voice = self.state.new_file(
            "voice", duration=duration, mime_type="audio/ogg", file_size=duration * 4000
        )
        return self._post(user, chat, {"voice": voice}, topic=topic, reply_to=reply_to)

    def send_contact(
        self,
        user: FakeUser,
        chat: FakeChat,
        *,
        phone_number: str = "+79001234567",
        first_name: str | None = None,
        contact_user_id: int | None = None,
        topic: int | None = None,
    ) -> JSON:
        """A shared contact; by default the user's own (with ``user_id``), as "Share my phone"."""
        contact: JSON = {"phone_number": phone_number, "first_name": first_name or user.first_name}
        if first_name is None and user.last_name:
            contact["last_name"] = user.last_name
        owner = user.id if first_name is None and contact_user_id is None else contact_user_id
        if owner is not None:
            contact["user_id"] = owner
        return self._post(user, chat, {"contact": contact}, topic=topic, reply_to=None)

    def edit_text(self, message: JSON, text: str) -> JSON:
        """The author edits their text message; the bot gets an ``edited_message`` update."""
        record = self.state.find_chat(message["chat"]["id"])
        stored = record.message(message["message_id"])
        if stored is None or "text" not in stored or stored["from"]["id"] == self.state.bot.id:
            raise ValueError("only a user's text message that still exists can be edited")
        stored["text"] = text
        stored.pop("entities", None)
        found = [e.to_json() for e in detect_entities(text)]
        if found:
            stored["entities"] = found
        stored["edit_date"] = self.state.now()
        self.queue.push("edited_message", copy.deepcopy(stored))
        return copy.deepcopy(stored)

    def press_button(
        self,
        message: JSON,
        callback_data: str | None = None,
        *,
        text: str | None = None,
        user: FakeUser | None = None,
    ) -> JSON:
        """Press an inline button of a bot message, found by its callback_data or its text.

        :param user: who presses; defaults to the user of a private chat
        :returns: the callback query; its ``id`` is what answerCallbackQuery must answer
        """
        record = self.state.find_chat(message["chat"]["id"])
        stored = record.message(message["message_id"])
        if stored is None:
            raise ValueError(f"message {message['message_id']} was deleted; its buttons are gone")
        buttons = [b for b in inline_buttons(stored) if "callback_data" in b]
        matches = [
            b
            for b in buttons
            if (callback_data is None or b["callback_data"] == callback_data)
            and (text is None or b["text"] == text)
        ]
        if not matches or (callback_data is None and text is None):
            shown = [(b["text"], b["callback_data"]) for b in buttons]
            raise ValueError(
                f"no button {callback_data or text!r} on the message; buttons: {shown}"
            )
        if user is None:
            if record.chat.type != "private":
                raise ValueError("say which user presses the button in a group: user=...")
            user = self.state.users[record.chat.id]
        query = self.state.new_callback_query(user, stored, matches[0]["callback_data"])
        payload: JSON = {
            "id": query.id,
            "from": user.to_json(),
            "message": copy.deepcopy(stored),
            "chat_instance": str(abs(record.chat.id) * 7 + 3),
            "data": query.data,
        }
        self.queue.push("callback_query", copy.deepcopy(payload))
        return payload

    def create_topic(
        self, user: FakeUser, chat: FakeChat, name: str, *, icon_color: int = TOPIC_COLORS[0]
    ) -> JSON:
        """A user opens a forum topic; returns the "topic created" service message."""
        record = self._record(user, chat)
        if not chat.is_forum:
            raise ValueError(f"chat {chat.id} is not a forum")
        topic = create_topic(self.state, record, user, name, icon_color)
        message = record.messages[topic.message_thread_id]
        self.queue.push("message", copy.deepcopy(message))
        return copy.deepcopy(message)
