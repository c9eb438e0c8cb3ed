"""The ticket form: one question per state, every one skippable, «Отмена», «/отмена», /cancel
and «/выход» from anywhere, «оператор» to file what is known at once, then the ticket with its
priority and SLA. The steps, the skip rules and the commands are
:mod:`bot.dialogue.ticket_form`'s, the same as the terminal's; urgency and impact can also be
typed as their number («1» is the most serious).

Anything the current question cannot take (a sticker, a button of an earlier question, text
where a choice is asked) is answered by asking the current question again. Photos and
documents are kept as attachments at any question.

A question typed instead of an answer, one the knowledge base answers or offers among
choices (:meth:`bot.dialogue.Dialogue.asks_anew`: «как поменять тариф?» at «Когда это
началось?»), is asked about first: «Это ответ» takes it as the answer, «Новый вопрос» drops
the form and searches it as the chat's new question.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, User

from bot.db.repo import remember_contact
from bot.dialogue import Conversation
from bot.dialogue.ticket_form import (
    ASKS_ANEW_AT,
    FormCommand,
    FormStep,
    answer,
    can_file,
    choose,
    command,
    confirms,
    level_of,
    next_step,
    skips,
    small_talk,
)
from bot.serving import Services
from bot.serving.answers import QUESTION_LIMIT
from bot.telegram.callbacks import FormAction, FormChoice
from bot.telegram.customers import Customers
from bot.telegram.dialogue_state import Position, as_data
from bot.telegram.filters import HasContact, HasFile, HasText, PrivateChat
from bot.telegram.form import draft_from_data, draft_to_data, prompt
from bot.telegram.intake import (
    REMOVE_KEYBOARD,
    attachment_of,
    file_ticket,
    ticket_created_text,
)
from bot.telegram.keyboards import form_keyboard, label
from bot.telegram.routers.question import ask_anew
from bot.telegram.states import CsatForm, TicketForm, form_state, form_step
from bot.texts import Texts
from bot.tickets import TicketDraft
from bot.tickets.contact import read_contact
from nlp.small_talk import SmallTalk

__all__ = ["MESSAGE_LIMIT", "get_router"]

MESSAGE_LIMIT = 4096
"""Telegram's own limit for a message; anything longer did not come from a Telegram client."""
ALBUM_KEY = "album"
"""FSM data: the ``media_group_id`` of the last album a file of which the form answered."""
ANEW_KEY = "asked_anew"
"""FSM data: the text asked about with «это новый вопрос?», for its two buttons."""


def get_router() -> Router:
    router = Router(name="ticket_form")
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    router.message.register(cancel_command, Command("cancel"))
    router.callback_query.register(cancel_button, FormAction.filter(F.action == "cancel"))
    router.callback_query.register(send_button, FormAction.filter(F.action == "send"))
    router.callback_query.register(answer_button, FormAction.filter(F.action == "answer"))
    router.callback_query.register(new_question_button, FormAction.filter(F.action == "new"))
    router.callback_query.register(skip_button, FormAction.filter())
    router.callback_query.register(choice_button, FormChoice.filter())
    in_form = StateFilter(TicketForm)
    contact = StateFilter(form_state(FormStep.CONTACT))
    router.message.register(contact_shared, contact, HasContact())
    router.message.register(text_answer, in_form, HasText())
    router.message.register(file_answer, in_form, HasFile())
    router.message.register(other_answer, in_form)
    return router


async def _draft(state: FSMContext) -> TicketDraft | None:
    return _draft_in(await state.get_data())


def _draft_in(data: dict[str, Any]) -> TicketDraft | None:
    """The draft the FSM data holds; ``None`` if none, or one left by an older version."""
    try:
        return draft_from_data(data["draft"])
    except (KeyError, TypeError, ValueError):
        return None


async def _ask(
    bot: Bot, chat_id: int, step: FormStep, draft: TicketDraft, texts: Texts, *, lead: str = ""
) -> None:
    """Ask ``step``; ``lead``: a line said first, in the same message (one send per update)."""
    question = prompt(step, draft, texts)
    text = f"{lead}\n\n{question.text}" if lead else question.text
    await bot.send_message(chat_id, text, reply_markup=question.markup)


async def _advance(
    bot: Bot, chat_id: int, state: FSMContext, step: FormStep, draft: TicketDraft, texts: Texts
) -> None:
    following = next_step(step, draft)
    await state.set_state(form_state(following))
    await state.update_data({"draft": draft_to_data(draft), ANEW_KEY: None})
    await _ask(bot, chat_id, following, draft, texts)


async def _keep(
    bot: Bot,
    chat_id: int,
    state: FSMContext,
    step: FormStep,
    draft: TicketDraft,
    texts: Texts,
    *,
    lead: str = "",
) -> None:
    """Store the draft and ask the same question again."""
    await state.update_data(draft=draft_to_data(draft))
    await _ask(bot, chat_id, step, draft, texts, lead=lead)


async def _end(state: FSMContext) -> None:
    """Leave the form: the draft goes, the conversation starts afresh."""
    data = await state.get_data()
    for key in ("draft", ALBUM_KEY, ANEW_KEY):
        data.pop(key, None)
    data.update(as_data(Position(Conversation())))
    await state.set_state(None)
    await state.set_data(data)


async def _cancel(
    bot: Bot,
    chat_id: int,
    state: FSMContext,
    raw_state: str | None,
    texts: Texts,
    *,
    said: str = "form_cancelled",
) -> None:
    """Drop the form; ``said``: the template that tells the customer so."""
    if raw_state == CsatForm.comment.state:
        await state.set_state(None)
    else:
        await _end(state)
    await bot.send_message(chat_id, texts.render(said), reply_markup=REMOVE_KEYBOARD)


async def cancel_command(
    message: Message, bot: Bot, state: FSMContext, raw_state: str | None, services: Services
) -> None:
    await _cancel(bot, message.chat.id, state, raw_state, services.texts)


async def cancel_button(
    query: CallbackQuery, bot: Bot, state: FSMContext, raw_state: str | None, services: Services
) -> None:
    if form_step(raw_state) is None:
        await query.answer(services.texts.plain("callback_outdated"))
        return
    await query.answer()
    await _cancel(bot, query.from_user.id, state, raw_state, services.texts)


async def _current(
    query: CallbackQuery, step: FormStep, state: FSMContext, raw_state: str | None, texts: Texts
) -> TicketDraft | None:
    """The draft if the button belongs to the question being asked; else say it is stale."""
    draft = await _draft(state) if form_step(raw_state) is step else None
    if draft is None:
        await query.answer(texts.plain("callback_outdated"))
        return None
    await query.answer()
    return draft


async def skip_button(
    query: CallbackQuery,
    callback_data: FormAction,
    bot: Bot,
    state: FSMContext,
    raw_state: str | None,
    services: Services,
) -> None:
    texts = services.texts
    draft = await _current(query, callback_data.step, state, raw_state, texts)
    if draft is not None:
        await _advance(bot, query.from_user.id, state, callback_data.step, draft, texts)


async def choice_button(
    query: CallbackQuery,
    callback_data: FormChoice,
    bot: Bot,
    state: FSMContext,
    raw_state: str | None,
    services: Services,
) -> None:
    texts = services.texts
    draft = await _current(query, callback_data.step, state, raw_state, texts)
    if draft is not None:
        draft = choose(draft, callback_data.step, callback_data.level)
        await _advance(bot, query.from_user.id, state, callback_data.step, draft, texts)


async def send_button(
    query: CallbackQuery,
    bot: Bot,
    state: FSMContext,
    raw_state: str | None,
    services: Services,
    customers: Customers,
) -> None:
    draft = await _current(query, FormStep.CONFIRM, state, raw_state, services.texts)
    if draft is not None:
        await _file(bot, query.from_user, state, draft, services, customers)


async def _file(
    bot: Bot,
    user: User,
    state: FSMContext,
    draft: TicketDraft,
    services: Services,
    customers: Customers,
) -> None:
    """File the ticket, leave the form, and tell the customer its number and deadline."""
    texts, levels = services.texts, services.levels
    async with services.database.transaction() as session:
        customer = await customers.of(session, user)
        await remember_contact(session, customer, draft.contact, now=services.clock)
        opened = await file_ticket(session, customer, draft, levels=levels)
    await _end(state)
    ticket = opened.ticket
    text = (
        ticket_created_text(ticket, levels=levels, texts=texts)
        if opened.created
        else texts.render("message_added_to_ticket", number=ticket.number)
    )
    await bot.send_message(user.id, text, reply_markup=REMOVE_KEYBOARD)


async def _in_form(
    message: Message, bot: Bot, state: FSMContext, raw_state: str | None, texts: Texts
) -> tuple[FormStep, TicketDraft] | None:
    """The question being asked and the draft so far; a form state without a readable draft
    (left by an older version) is cancelled, and the customer starts afresh."""
    step, draft = form_step(raw_state), await _draft(state)
    if step is None or draft is None:
        await _end(state)
        await bot.send_message(
            message.chat.id, texts.render("form_cancelled"), reply_markup=REMOVE_KEYBOARD
        )
        return None
    return step, draft


async def text_answer(
    message: Message,
    bot: Bot,
    state: FSMContext,
    raw_state: str | None,
    services: Services,
    customers: Customers,
) -> None:
    texts, chat_id = services.texts, message.chat.id
    form = await _in_form(message, bot, state, raw_state, texts)
    if form is None or message.from_user is None:
        return
    step, draft = form
    text = (message.text or "").strip()
    said = command(text, services.answers.dialogue.detector)
    skipped = skips(text) or text.casefold() == label(texts, "skip").casefold()
    if text.casefold() == label(texts, "cancel").casefold() or said in (
        FormCommand.CANCEL,
        FormCommand.EXIT,
    ):
        await _cancel(bot, chat_id, state, raw_state, texts)
    elif (said is FormCommand.FILE and can_file(draft)) or (
        step is FormStep.CONFIRM and text and confirms(text)
    ):
        await _file(bot, message.from_user, state, draft, services, customers)
    elif step is FormStep.CONFIRM and confirms(text) is False:
        await _cancel(bot, chat_id, state, raw_state, texts)
    elif (talk := None if skipped else small_talk(text)) is SmallTalk.GOODBYE:  # leaving
        await _cancel(bot, chat_id, state, raw_state, texts)
    elif talk is SmallTalk.SOLVED:  # «всё, разобралась»: nothing left for people to do
        await _cancel(bot, chat_id, state, raw_state, texts, said="form_solved")
    elif talk is not None:  # «спасибо», «привет»: no answer, the question stands
        await _ask(
            bot, chat_id, step, draft, texts, lead=texts.render("form_small_talk", talk=talk.value)
        )
    elif len(text) > MESSAGE_LIMIT:
        await message.answer(texts.render("too_long", limit=MESSAGE_LIMIT))
    elif not skipped and await _asks_anew(step, draft, text, services):
        await state.update_data({ANEW_KEY: text})
        await bot.send_message(
            chat_id,
            texts.render("form_new_question", question=text),
            reply_markup=form_keyboard(texts, step, "answer", "new", cancel=False),
        )
    else:
        await _take(bot, chat_id, state, step, draft, text, texts, skipped=skipped)


async def _asks_anew(step: FormStep, draft: TicketDraft, text: str, services: Services) -> bool:
    """Whether to ask «это новый вопрос?» about ``text`` (searched off the event loop)."""
    if step not in ASKS_ANEW_AT or len(text) > QUESTION_LIMIT:
        return False
    answers = services.answers
    return await answers.off_loop(answers.dialogue.asks_anew, text, answers.search, draft.tried)


async def _take(
    bot: Bot,
    chat_id: int,
    state: FSMContext,
    step: FormStep,
    draft: TicketDraft,
    text: str,
    texts: Texts,
    *,
    skipped: bool = False,
) -> None:
    """``text`` as the answer to ``step``: the next question, or this one again."""
    # «что случилось» cannot be skipped while the draft has no question at all.
    skippable = step is not FormStep.CONFIRM and (step is not FormStep.WHAT or can_file(draft))
    if step in (FormStep.URGENCY, FormStep.IMPACT) and (level := level_of(text, step)) is not None:
        await _advance(bot, chat_id, state, step, choose(draft, step, level), texts)
    elif skipped and skippable:
        await _advance(bot, chat_id, state, step, draft, texts)
    elif skipped or (updated := answer(draft, step, text)) is None:
        unclear = step is FormStep.CONTACT and not skipped  # «2» is no contact to remember
        await _ask(
            bot,
            chat_id,
            step,
            draft,
            texts,
            lead=texts.render("form_contact_unclear") if unclear else "",
        )
    else:
        await _advance(bot, chat_id, state, step, updated, texts)


async def answer_button(
    query: CallbackQuery,
    callback_data: FormAction,
    bot: Bot,
    state: FSMContext,
    raw_state: str | None,
    services: Services,
) -> None:
    """«Это ответ»: the text asked about answers the form's question after all."""
    texts, step = services.texts, callback_data.step
    asked = await _asked_anew(query, step, state, raw_state, texts)
    if asked is not None:
        text, draft = asked
        await _take(bot, query.from_user.id, state, step, draft, text, texts)


async def new_question_button(
    query: CallbackQuery,
    callback_data: FormAction,
    bot: Bot,
    state: FSMContext,
    raw_state: str | None,
    services: Services,
    customers: Customers,
) -> None:
    """«Новый вопрос»: the form is dropped, the text searched as the chat's new question."""
    texts = services.texts
    asked = await _asked_anew(query, callback_data.step, state, raw_state, texts)
    if asked is None:
        return
    text, _ = asked
    await _end(state)
    await bot.send_message(
        query.from_user.id, texts.render("form_asking_anew"), reply_markup=REMOVE_KEYBOARD
    )
    await ask_anew(text, bot, query.from_user, state, services, customers)


async def _asked_anew(
    query: CallbackQuery, step: FormStep, state: FSMContext, raw_state: str | None, texts: Texts
) -> tuple[str, TicketDraft] | None:
    """The text «это новый вопрос?» asked about and the draft, read together, if the button is
    under the current question's (else it is said to be stale)."""
    data = await state.get_data() if form_step(raw_state) is step else {}
    asked, draft = data.get(ANEW_KEY), _draft_in(data)
    if not isinstance(asked, str) or draft is None:
        await query.answer(texts.plain("callback_outdated"))
        return None
    await query.answer()
    return asked, draft


async def contact_shared(
    message: Message, bot: Bot, state: FSMContext, raw_state: str | None, services: Services
) -> None:
    form = await _in_form(message, bot, state, raw_state, services.texts)
    if form is None or message.contact is None:
        return
    _, draft = form
    contact = message.contact
    name = " ".join(part for part in (contact.first_name, contact.last_name) if part)
    # Telegram sends the number with or without its "+": written the way a typed one is.
    phone = read_contact("+" + contact.phone_number.lstrip("+")) or contact.phone_number
    shown = f"{phone} ({name})" if name else phone
    await _advance(
        bot, message.chat.id, state, FormStep.CONTACT, replace(draft, contact=shown), services.texts
    )


async def file_answer(
    message: Message, bot: Bot, state: FSMContext, raw_state: str | None, services: Services
) -> None:
    texts, chat_id = services.texts, message.chat.id
    attachment = attachment_of(message)
    form = await _in_form(message, bot, state, raw_state, texts)
    if form is None or attachment is None:
        return
    step, draft = form
    draft = replace(draft, attachments=(*draft.attachments, attachment))
    album = message.media_group_id
    if album is not None:
        if (await state.get_data()).get(ALBUM_KEY) == album:
            # The rest of an album (Telegram sends each photo as its own message): kept
            # quietly, the first of them was answered.
            await state.update_data(draft=draft_to_data(draft))
            return
        await state.update_data({ALBUM_KEY: album})
    caption = (message.caption or "").strip()
    updated = answer(draft, step, caption) if caption else None
    if step is FormStep.ERROR:
        # A screenshot answers "what error do you see"; its caption is the error's text.
        draft = replace(draft, error_text=caption or draft.error_text)
        await _advance(bot, chat_id, state, step, draft, texts)
    elif updated is not None:
        await _advance(bot, chat_id, state, step, updated, texts)
    else:
        # The same question again, but first word that the file was kept: asked again
        # alone, it reads as if the photo had been ignored.
        kept = texts.render("form_attached")
        await _keep(bot, chat_id, state, step, draft, texts, lead=kept)


async def other_answer(
    message: Message, bot: Bot, state: FSMContext, raw_state: str | None, services: Services
) -> None:
    form = await _in_form(message, bot, state, raw_state, services.texts)
    if form is not None:
        await _ask(bot, message.chat.id, *form, services.texts)
