"""Bot API methods about chats: info, members, actions, commands, forum topics, button answers."""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import bad_request
from .params import Params
from .people import FakeUser
from .state import JSON, ChatRecord, EmulatorState, Topic

CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip
# The only colours Telegram accepts for a topic icon (createForumTopic docs).
TOPIC_COLORS = (0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_ADMIN_RIGHTS = (
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
    "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
    "can_edit_stories", "can_delete_stories", "can_pin_messages", "can_manage_topics",
)  # fmt: skip


def chat_member(user: FakeUser, status: str) -> JSON:
    """A ChatMember object of the given status, with the fields aiogram requires."""
    member: JSON = {"status": status, "user": user.to_json()}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update({"can_be_edited": False, "is_anonymous": False})
        member.update({right: True for right in _ADMIN_RIGHTS})
        member["can_promote_members"] = False
        member["can_send_welcome_messages"] = False
    elif status == "kicked":
        member["until_date"] = 0
    return member


class ChatMethods:
    """getChat, getChatMember, sendChatAction, *MyCommands, *ForumTopic, answerCallbackQuery."""

    def __init__(self, state: EmulatorState):
        self.state = state

    def table(self) -> dict[str, Any]:
        return {
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
            "sendChatAction": self.send_chat_action,
            "setMyCommands": self.set_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "getMyCommands": self.get_my_commands,
            "createForumTopic": self.create_forum_topic,
            "editForumTopic": self.edit_forum_topic,
            "closeForumTopic": self.close_forum_topic,
            "reopenForumTopic": self.reopen_forum_topic,
            "deleteForumTopic": self.delete_forum_topic,
            "answerCallbackQuery": self.answer_callback_query,
        }

    def get_chat(self, params: Params) -> JSON:
        return self.state.find_chat(params.chat_id()).chat.full_info()

    def get_chat_member(self, params: Params) -> JSON:
        record = self.state.find_chat(params.chat_id())
        user_id = params.integer("user_id", missing="invalid user_id specified")
        assert user_id is not None
        status = self.state.member_status(record, user_id)
        return chat_member(self.state.users[user_id], status)

    def send_chat_action(self, params: Params) -> bool:
        record = self.state.find_chat(params.chat_id())
        self.state.check_can_write(record)
        self.state.topic(record, params.integer("message_thread_id"))
        if params.text("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    # commands

    @staticmethod
    def _commands_key(params: Params) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.text("language_code") or ""

    def set_my_commands(self, params: Params) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("expected an Array of BotCommand")
        for command in commands:
            if not isinstance(command, dict) or not {"command", "description"} <= command.keys():
                raise bad_request("can't parse BotCommand: Can't find field \"command\"")
            if not _COMMAND.match(str(command["command"]).removeprefix("/")):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command["description"])) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.state.commands[self._commands_key(params)] = [
            {"command": str(c["command"]).removeprefix("/"), "description": c["description"]}
            for c in commands
        ]
        return True

    def delete_my_commands(self, params: Params) -> bool:
        self.state.commands.pop(self._commands_key(params), None)
        return True

    def get_my_commands(self, params: Params) -> list[JSON]:
        return list(self.state.commands.get(self._commands_key(params), []))

    # forum topics

    def _forum(self, params: Params) -> ChatRecord:
        record = self.state.find_chat(params.chat_id())
        if not record.chat.is_forum:
            raise bad_request("the chat is not a forum")
        return record

    def _service(self, record: ChatRecord, topic: Topic, content: JSON) -> None:
        self.state.add_message(record, self.state.bot, content, topic=topic)

    def create_forum_topic(self, params: Params) -> JSON:
        record = self._forum(params)
        name = params.text("name") or ""
        if not 1 <= len(name) <= 128:
            raise bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_INVALID")
        color = params.integer("icon_color")
        if color is not None and color not in TOPIC_COLORS:
            raise bad_request("TOPIC_ICON_COLOR_INVALID")
        topic = create_topic(
            self.state,
            record,
            self.state.bot,
            name,
            color or TOPIC_COLORS[0],
            params.text("icon_custom_emoji_id"),
        )
        return topic.to_json()

    def _topic(self, params: Params) -> tuple[ChatRecord, Topic]:
        record = self._forum(params)
        topic = self.state.topic(record, params.integer("message_thread_id"))
        if topic is None:
            raise bad_request("message thread not found")
        return record, topic

    def edit_forum_topic(self, params: Params) -> bool:
        record, topic = self._topic(params)
        name = params.text("name")
        emoji = params.text("icon_custom_emoji_id")
        if (name is None or name == topic.name) and (
            emoji is None or emoji == topic.icon_custom_emoji_id
        ):
            raise bad_request("TOPIC_NOT_MODIFIED")
        edited: JSON = {}
        if name is not None:
            topic.name = edited["name"] = name
        if emoji is not None:
            topic.icon_custom_emoji_id = edited["icon_custom_emoji_id"] = emoji
        self._service(record, topic, {"forum_topic_edited": edited})
        return True

    def close_forum_topic(self, params: Params) -> bool:
        record, topic = self._topic(params)
        if topic.is_closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.is_closed = True
        self._service(record, topic, {"forum_topic_closed": {}})
        return True

    def reopen_forum_topic(self, params: Params) -> bool:
        record, topic = self._topic(params)
        if not topic.is_closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.is_closed = False
        self._service(record, topic, {"forum_topic_reopened": {}})
        return True

    def delete_forum_topic(self, params: Params) -> bool:
        record, topic = self._topic(params)
        del record.topics[topic.message_thread_id]
        for message_id, message in list(record.messages.items()):
            if message.get("message_thread_id") == topic.message_thread_id:
                record.deleted[message_id] = record.messages.pop(message_id)
        return True

    # buttons

    def answer_callback_query(self, params: Params) -> bool:
        query = self.state.callback_queries.get(params.text("callback_query_id") or "")
        if query is None or query.answer is not None:
            raise bad_request(QUERY_TOO_OLD)
        query.answer = {
            name: params[name]
            for name in ("text", "show_alert", "url", "cache_time")
            if name in params
        }
        return True


def create_topic(
    state: EmulatorState,
    record: ChatRecord,
    creator: FakeUser,
    name: str,
    color: int,
    emoji: str | None = None,
) -> Topic:
    """Open a topic; its id is the id of the "topic created" service message."""
    topic = Topic(record.last_message_id + 1, name, color, emoji)
    record.topics[topic.message_thread_id] = topic
    created: JSON = {"name": name, "icon_color": color}
    if emoji:
        created["icon_custom_emoji_id"] = emoji
    state.add_message(record, creator, {"forum_topic_created": created}, topic=topic)
    return topic
