"""What the emulated Telegram knows: users, chats, their messages, topics and members."""

from __future__ import annotations

import copy
import itertools
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, bad_request
from .people import FakeChat, FakeUser

JSON = dict[str, Any]
GENERAL_TOPIC_ID = 1  # the "General" topic of a forum; Telegram refuses it as message_thread_id
MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "left", "kicked"})


@dataclass
class Topic:
    """A forum topic; its id is the id of the service message that created it."""

    message_thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    is_closed: bool = False

    def to_json(self) -> JSON:
        data: JSON = {
            "message_thread_id": self.message_thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            data["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return data


@dataclass
class ChatRecord:
    """One chat with its history; message ids grow by one per message, per chat."""

    chat: FakeChat
    messages: dict[int, JSON] = field(default_factory=dict)
    deleted: dict[int, JSON] = field(default_factory=dict)
    last_message_id: int = 0
    topics: dict[int, Topic] = field(default_factory=dict)
    members: dict[int, str] = field(default_factory=dict)  # user id → ChatMember status

    def message(self, message_id: int) -> JSON | None:
        return self.messages.get(message_id)


@dataclass
class CallbackRecord:
    """A button press waiting for answerCallbackQuery."""

    id: str
    user: FakeUser
    chat_id: int
    message_id: int
    data: str
    answer: JSON | None = None


def shallow(message: JSON) -> JSON:
    """A message as it appears inside another one: without its own reply_to_message."""
    inner = copy.deepcopy(message)
    inner.pop("reply_to_message", None)
    return inner


class EmulatorState:
    """Users, chats, messages, topics, members and pending button presses.

    :param bot: the bot account (getMe)
    :param clock: seconds since the epoch, for message ``date`` fields
    """

    def __init__(self, bot: FakeUser, clock: Callable[[], float]):
        self.bot = bot
        self.clock = clock
        self.chats: dict[int, ChatRecord] = {}
        self.users: dict[int, FakeUser] = {bot.id: bot}
        self.blocked: set[int] = set()
        self.callback_queries: dict[str, CallbackRecord] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.files: dict[str, JSON] = {}  # file_id → the object first sent with it
        self._file_numbers = itertools.count(1)
        self._query_numbers = itertools.count(1)

    def now(self) -> int:
        return int(self.clock())

    def add_user(self, user: FakeUser) -> FakeUser:
        self.users[user.id] = user
        return user

    def add_chat(self, chat: FakeChat) -> ChatRecord:
        """Register a chat, or return the one with this id; the bot administers groups."""
        record = self.chats.get(chat.id)
        if record is None:
            record = self.chats[chat.id] = ChatRecord(chat)
            if chat.type != "private":
                record.members[self.bot.id] = "administrator"
                # Message 1 of a group is its creation; in a forum it also opens "General".
                record.last_message_id = GENERAL_TOPIC_ID
        return record

    def find_chat(self, chat_id: int | str) -> ChatRecord:
        """The chat by id or ``@username``.

        :raises ApiError: 400 "chat not found"
        """
        if isinstance(chat_id, int) and chat_id in self.chats:
            return self.chats[chat_id]
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for record in self.chats.values():
                if record.chat.username and f"@{record.chat.username}".lower() == chat_id.lower():
                    return record
        raise bad_request("chat not found")

    def check_can_write(self, record: ChatRecord) -> None:
        if record.chat.type == "private" and record.chat.id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    def topic(self, record: ChatRecord, thread_id: int | None) -> Topic | None:
        """The forum topic a bot message goes to.

        :raises ApiError: 400 "message thread not found"
        """
        if thread_id is None or thread_id == 0:
            return None
        if record.chat.type == "private" or record.chat.is_forum:
            topic = record.topics.get(thread_id)
            if topic is None or thread_id == GENERAL_TOPIC_ID:
                raise bad_request("message thread not found")
            return topic
        return None  # a reply thread in an ordinary group: accepted, nothing to check

    def add_message(
        self,
        record: ChatRecord,
        sender: FakeUser,
        content: JSON,
        *,
        topic: Topic | None = None,
        reply_to: JSON | None = None,
    ) -> JSON:
        """Store a new message and return it as the Bot API shows it."""
        record.last_message_id += 1
        message: JSON = {
            "message_id": record.last_message_id,
            "from": sender.to_json(),
            "chat": record.chat.to_json(),
            "date": self.now(),
        }
        if topic is not None:
            message["message_thread_id"] = topic.message_thread_id
            message["is_topic_message"] = True
            # Without an explicit reply, a topic message replies to the topic's first message.
            reply_to = reply_to or record.messages.get(topic.message_thread_id)
        if reply_to is not None:
            message["reply_to_message"] = shallow(reply_to)
        message.update(content)
        record.messages[message["message_id"]] = message
        if sender.id != self.bot.id and record.chat.type != "private":
            record.members.setdefault(sender.id, "member")
            if record.members[sender.id] == "left":
                record.members[sender.id] = "member"
        return message

    def new_file(self, kind: str, **fields: Any) -> JSON:
        """A fresh file object (PhotoSize, Document, ...) with new file_id and file_unique_id."""
        number = next(self._file_numbers)
        file: JSON = {
            "file_id": f"{kind}-{number:06d}-emulated",
            "file_unique_id": f"u{number:06d}",
        }
        file.update(fields)
        self.files[file["file_id"]] = file
        return file

    def known_file(self, file_id: str, **defaults: Any) -> JSON:
        """The object for a file_id the bot sends: the stored one, or a made-up echo of it."""
        if file_id in self.files:
            return copy.deepcopy(self.files[file_id])
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{zlib.crc32(file_id.encode()):08x}",
            **defaults,
        }

    def new_callback_query(self, user: FakeUser, message: JSON, data: str) -> CallbackRecord:
        query_id = f"{next(self._query_numbers)}{user.id}"
        record = CallbackRecord(query_id, user, message["chat"]["id"], message["message_id"], data)
        self.callback_queries[query_id] = record
        return record

    def member_status(self, record: ChatRecord, user_id: int) -> str:
        """ChatMember status: the bot administers groups, users are members once they wrote."""
        if record.chat.type == "private":
            if user_id in (record.chat.id, self.bot.id):
                return "member"
            raise bad_request("user not found")
        if user_id not in self.users:
            raise bad_request("user not found")
        return record.members.get(user_id, "left")
