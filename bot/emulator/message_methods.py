"""Bot API methods that send, edit, copy, forward and delete messages."""

from __future__ import annotations

import copy
import mimetypes
from dataclasses import dataclass
from typing import Any

from . import formatting
from .entities import FormattedText
from .errors import ApiError, bad_request
from .keyboards import check_reply_markup
from .params import Params, UploadedFile
from .state import JSON, ChatRecord, EmulatorState, Topic

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
# Message fields that copyMessage/forwardMessage carry over.
CONTENT_FIELDS = ("text", "entities", "photo", "document", "sticker", "voice", "contact",
                  "caption", "caption_entities")  # fmt: skip


@dataclass(frozen=True)
class Sent:
    """A method's result plus the message it created (copyMessage returns only an id)."""

    result: Any
    message: JSON


def _with_text(content: JSON, formatted: FormattedText, field: str) -> JSON:
    if formatted.text:
        content[field] = formatted.text
        if formatted.entities:
            content[f"{field}_entities" if field == "caption" else "entities"] = (
                formatted.entities_json()
            )
    return content


class MessageMethods:
    """sendMessage, send* media, copy/forward, edit* and deleteMessage.

    :param pedantic: also reject what Telegram tolerates silently (see :mod:`.formatting`)
    """

    def __init__(self, state: EmulatorState, *, pedantic: bool):
        self.state = state
        self.pedantic = pedantic

    def table(self) -> dict[str, Any]:
        return {
            "sendMessage": self.send_message,
            "sendPhoto": self.send_photo,
            "sendDocument": self.send_document,
            "sendSticker": self.send_sticker,
            "sendVoice": self.send_voice,
            "copyMessage": self.copy_message,
            "forwardMessage": self.forward_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
        }

    # sending

    def _destination(self, params: Params) -> tuple[ChatRecord, Topic | None, JSON | None]:
        record = self.state.find_chat(params.chat_id())
        self.state.check_can_write(record)
        topic = self.state.topic(record, params.integer("message_thread_id"))
        reply_to = self._reply_target(record, params)
        if topic is None and reply_to is not None and "message_thread_id" in reply_to:
            topic = record.topics.get(reply_to["message_thread_id"])  # replies stay in the topic
        return record, topic, reply_to

    def _reply_target(self, record: ChatRecord, params: Params) -> JSON | None:
        reply = params.get("reply_parameters")
        if reply is None and params.integer("reply_to_message_id") is not None:
            reply = {
                "message_id": params.integer("reply_to_message_id"),
                "allow_sending_without_reply": params.flag("allow_sending_without_reply"),
            }
        if reply is None:
            return None
        if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
            raise bad_request("can't parse reply parameters JSON object")
        if reply.get("chat_id") not in (None, record.chat.id):
            raise ApiError(400, "Bad Request: the emulator supports replies in the same chat only")
        target = record.message(reply["message_id"])
        if target is None and not reply.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")
        return target

    def _send(self, params: Params, content: JSON) -> Sent:
        markup = check_reply_markup(params.get("reply_markup"), pedantic=self.pedantic)
        record, topic, reply_to = self._destination(params)
        if markup is not None:
            content["reply_markup"] = markup
        message = self.state.add_message(
            record, self.state.bot, content, topic=topic, reply_to=reply_to
        )
        return Sent(copy.deepcopy(message), message)

    def send_message(self, params: Params) -> Sent:
        formatted = formatting.message_text(
            params.text("text"),
            params.text("parse_mode"),
            params.get("entities"),
            pedantic=self.pedantic,
        )
        return self._send(params, _with_text({}, formatted, "text"))

    def _caption(self, params: Params) -> FormattedText:
        return formatting.caption(
            params.text("caption"),
            params.text("parse_mode"),
            params.get("caption_entities"),
            pedantic=self.pedantic,
        )

    def _file(self, params: Params, kind: str) -> str | UploadedFile:
        value = params.get(kind)
        if isinstance(value, UploadedFile):
            return value
        if isinstance(value, str) and value.strip():
            return value.strip()
        raise bad_request(f"there is no {kind} in the request")

    def send_photo(self, params: Params) -> Sent:
        photo = self._file(params, "photo")
        caption = self._caption(params)
        if isinstance(photo, UploadedFile):
            sizes = [
                self.state.new_file("photo", width=90, height=51, file_size=1200),
                self.state.new_file("photo", width=1280, height=720, file_size=len(photo.content)),
            ]
        else:
            sizes = [self.state.known_file(photo, width=1280, height=720)]
        return self._send(params, _with_text({"photo": sizes}, caption, "caption"))

    def send_document(self, params: Params) -> Sent:
        document = self._file(params, "document")
        caption = self._caption(params)
        if isinstance(document, UploadedFile):
            mime = mimetypes.guess_type(document.filename)[0] or "application/octet-stream"
            file = self.state.new_file(
                "document",
                file_name=document.filename,
                mime_type=mime,
                file_size=len(document.content),
            )
        else:
            file = self.state.known_file(document)
        return self._send(params, _with_text({"document": file}, caption, "caption"))

    def send_sticker(self, params: Params) -> Sent:
        sticker = self._file(params, "sticker")
        fields = {
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        if params.text("emoji"):
            fields["emoji"] = params.text("emoji")
        if isinstance(sticker, UploadedFile):
            file = self.state.new_file("sticker", file_size=len(sticker.content), **fields)
        else:
            file = self.state.known_file(sticker, **fields)
        return self._send(params, {"sticker": file})

    def send_voice(self, params: Params) -> Sent:
        voice = self._file(params, "voice")
        caption = self._caption(params)
        duration = params.integer("duration") or 1
        if isinstance(voice, UploadedFile):
            file = self.state.new_file(
                "voice", duration=duration, mime_type="audio/ogg", file_size=len(voice.content)
            )
        else:
            file = self.state.known_file(voice, duration=duration)
        return self._send(params, _with_text({"voice": file}, caption, "caption"))

    def _source(self, params: Params, what: str) -> JSON:
        record = self.state.find_chat(params.chat_id("from_chat_id"))
        message_id = params.integer("message_id", missing="message identifier is not specified")
        message = record.message(message_id or 0)
        if message is None:
            raise bad_request(f"{what} not found")
        return message

    def copy_message(self, params: Params) -> Sent:
        source = self._source(params, "message to copy")
        content = {name: copy.deepcopy(source[name]) for name in CONTENT_FIELDS if name in source}
        if not content:
            raise bad_request("message can't be copied")
        if "caption" in params:
            content.pop("caption", None)
            content.pop("caption_entities", None)
            _with_text(content, self._caption(params), "caption")
        sent = self._send(params, content)
        return Sent({"message_id": sent.message["message_id"]}, sent.message)

    def forward_message(self, params: Params) -> Sent:
        source = self._source(params, "message to forward")
        content = {name: copy.deepcopy(source[name]) for name in CONTENT_FIELDS if name in source}
        if not content:
            raise bad_request("message can't be forwarded")
        sender = source["from"]
        content["forward_origin"] = {"type": "user", "sender_user": sender, "date": source["date"]}
        content["forward_from"] = sender  # the legacy fields the Bot API still sends
        content["forward_date"] = source["date"]
        params = Params({k: v for k, v in params.items() if k != "reply_markup"})
        return self._send(params, content)

    # editing

    def _editable(self, params: Params) -> JSON:
        if params.get("inline_message_id"):
            raise ApiError(400, "Bad Request: the emulator does not support inline messages")
        record = self.state.find_chat(params.chat_id())
        message_id = params.integer("message_id", missing="message identifier is not specified")
        message = record.message(message_id or 0)
        if message is None:
            raise bad_request("message to edit not found")
        if message["from"]["id"] != self.state.bot.id:
            raise bad_request("message can't be edited")
        return message

    def _apply_edit(self, message: JSON, changes: JSON, markup: JSON | None) -> JSON:
        current = {name: message.get(name) for name in changes}
        if current == changes and message.get("reply_markup") == markup:
            raise bad_request(NOT_MODIFIED)
        for name, value in changes.items():
            if value is None:
                message.pop(name, None)
            else:
                message[name] = value
        if markup is None:
            message.pop("reply_markup", None)  # an edit without reply_markup drops the keyboard
        else:
            message["reply_markup"] = markup
        message["edit_date"] = self.state.now()
        return copy.deepcopy(message)

    def edit_message_text(self, params: Params) -> JSON:
        formatted = formatting.message_text(
            params.text("text"),
            params.text("parse_mode"),
            params.get("entities"),
            pedantic=self.pedantic,
        )
        markup = check_reply_markup(params.get("reply_markup"), pedantic=self.pedantic)
        message = self._editable(params)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        entities = formatted.entities_json() or None
        return self._apply_edit(message, {"text": formatted.text, "entities": entities}, markup)

    def edit_message_caption(self, params: Params) -> JSON:
        caption = self._caption(params)
        markup = check_reply_markup(params.get("reply_markup"), pedantic=self.pedantic)
        message = self._editable(params)
        if "text" in message or "sticker" in message:
            raise bad_request("there is no caption in the message to edit")
        changes = {
            "caption": caption.text or None,
            "caption_entities": caption.entities_json() or None,
        }
        return self._apply_edit(message, changes, markup)

    def edit_message_reply_markup(self, params: Params) -> JSON:
        markup = check_reply_markup(params.get("reply_markup"), pedantic=self.pedantic)
        message = self._editable(params)
        return self._apply_edit(message, {}, markup)

    def delete_message(self, params: Params) -> bool:
        record = self.state.find_chat(params.chat_id())
        message_id = params.integer("message_id", missing="message identifier is not specified")
        message = record.messages.pop(message_id or 0, None)
        if message is None:
            raise bad_request("message to delete not found")
        record.deleted[message["message_id"]] = message
        return True
