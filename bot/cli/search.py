"""``faqbot search``: what the engine finds and decides for a question, for authors and scripts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.cli.common import articles_option, build_index, debug_option, load_catalog, open_input

if TYPE_CHECKING:
    from bot.dialogue.human_request import HumanRequestDetector
    from bot.policy import Decision
    from kb.index import Index
    from nlp.documents import Ranking
    from nlp.small_talk import SmallTalk

__all__ = ["search", "search_result"]

#: Depth of every search, whatever is shown: the decision sees what ``faqbot eval`` and the
#: chat see, so the three agree.
DEPTH = 10
#: JSON results list at least this many hits (when the KB has them).
JSON_HITS = 5


def search_result(
    index: Index, query: str, top: int = JSON_HITS, people: HumanRequestDetector | None = None
) -> dict[str, Any]:
    """The JSON object for one query: ``query``, ``decision``, ``confidence``, ``hits``.

    ``hits`` lists ``max(top, 5)`` articles when the KB has that many: the retriever only
    returns articles that share something with the query, so the rest follow with score 0.0,
    in catalog order. A blank query is escalated with no hits, without searching.

    Small talk («привет», «как дела?», «ты бот?») is never answered with an article: its
    decision is ``small_talk``, with the kind in ``small_talk`` (:class:`nlp.small_talk.SmallTalk`)
    and no hits. A request for a person («позовите оператора») is always ``escalate``, with
    ``"reason": "human_request"`` (its hits are listed as usual). A message with no question
    in it («фывапролдж», «ок»: :func:`bot.dialogue.asks_nothing`) keeps the engine's decision
    and gets ``"reason": "no_question"``: the bot asks for a question instead. An answer the
    engine was torn about lists the runners-up shown beside it in ``related`` (ids).

    :param top: hits wanted; at least :data:`JSON_HITS` are listed
    :param people: recognises requests for a person (one over the index's lemmatizer if omitted)
    """
    from bot.dialogue import asks_nothing, small_talk_once_read
    from bot.dialogue.human_request import HumanRequestDetector
    from nlp.small_talk import detect as detect_small_talk

    if not query.strip():
        return {"query": query, "decision": "escalate", "confidence": 0.0, "hits": []}
    kind = detect_small_talk(query)
    if kind is not None:
        return _small_talk(query, kind)
    people = people or HumanRequestDetector(index.retriever.analyzer.lemmatizer)
    ranking, decision = _search(index, query, top)
    kind = small_talk_once_read(ranking)  # «спасиб», «здраствуйте»: typed with a slip
    if kind is not None:
        return _small_talk(query, kind)
    if people.detect(query) is not None:
        from bot.policy import Escalate

        result = _as_json(index, query, ranking, Escalate(confidence=1.0), max(top, JSON_HITS))
        return {**result, "reason": "human_request"}
    result = _as_json(index, query, ranking, decision, max(top, JSON_HITS))
    return {**result, "reason": "no_question"} if asks_nothing(ranking) else result


def _small_talk(query: str, kind: SmallTalk) -> dict[str, Any]:
    return {
        "query": query,
        "decision": "small_talk",
        "small_talk": kind.value,
        "confidence": 1.0,
        "hits": [],
    }


def _search(index: Index, query: str, top: int) -> tuple[Ranking, Decision]:
    from bot.policy import decide

    ranking = index.search(query, k=max(top, DEPTH))
    return ranking, decide(ranking)


def _as_json(
    index: Index, query: str, ranking: Ranking, decision: Decision, shown: int
) -> dict[str, Any]:
    scores = {hit.doc_id: _score(hit.score) for hit in ranking.hits[:shown]}
    for article in index.catalog:
        if len(scores) >= shown:
            break
        scores.setdefault(article.id, 0.0)
    from bot.policy import Answer

    result: dict[str, Any] = {
        "query": query,
        "decision": decision.kind,
        "confidence": round(float(decision.confidence), 4),
        "hits": [
            {"id": doc_id, "title": index.catalog[doc_id].title, "score": score}
            for doc_id, score in scores.items()
        ],
    }
    if isinstance(decision, Answer) and decision.related:
        result["related"] = [hit.doc_id for hit in decision.related]
    return result


def _score(value: float) -> float:
    return round(float(value), 4)


@click.command()
@click.argument("question", required=False)
@articles_option
@click.option(
    "--top", type=click.IntRange(min=1), default=5, show_default=True, help="Hits to show."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object: query, decision, hits."
)
@click.option(
    "--batch",
    metavar="FILE",
    help="Questions, one per line ('-' for stdin): one result per line, in order.",
)
@click.option("--jsonl", is_flag=True, help="Print one JSON object per line (with --batch).")
@debug_option
def search(
    question: str | None, articles: Path, top: int, as_json: bool, batch: str | None, jsonl: bool
) -> None:
    """Show what the bot finds and decides for QUESTION.

    Prints the decision (answer, clarify or escalate; small_talk for a greeting, thanks and the
    like) with its confidence, the best articles with their scores, and how the question was
    understood (normalised text, repaired words).

    \b
    faqbot search "как завершить поездку"
    faqbot search --batch questions.txt --jsonl > results.jsonl
    """
    if question is not None and batch is not None:
        raise click.UsageError("give either a QUESTION or --batch FILE, not both")
    if question is None and batch is None:
        raise click.UsageError("give a QUESTION, or --batch FILE with one question per line")
    if batch is not None:
        stream = open_input(batch)  # a missing file fails before the index is built
        try:
            index = build_index(load_catalog(articles))
            _batch(index, stream, top, as_json=jsonl or as_json)
        finally:
            if batch != "-":
                stream.close()
        return
    assert question is not None
    index = build_index(load_catalog(articles))
    if as_json or jsonl:
        click.echo(json.dumps(search_result(index, question, top), ensure_ascii=False))
        return
    _explain(index, question, top)


def _batch(index: Index, lines: Any, top: int, *, as_json: bool) -> None:
    from bot.dialogue.human_request import HumanRequestDetector

    people = HumanRequestDetector(index.retriever.analyzer.lemmatizer)
    for line in lines:
        query = line.rstrip("\r\n")
        result = search_result(index, query, top, people)
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False))
            continue
        best = result["hits"][0]["id"] if result["hits"] else result.get("small_talk", "-")
        click.echo(f"{result['decision']:<10} {result['confidence']:.2f}  {best:<24} {query}")


def _explain(index: Index, question: str, top: int) -> None:
    from bot.dialogue import asks_nothing, small_talk_once_read, tells_trouble
    from bot.dialogue.human_request import HumanRequestDetector
    from bot.policy import Answer, Clarify
    from nlp.small_talk import detect as detect_small_talk

    if not question.strip():
        click.echo("Decision    escalate (empty question)")
        return
    kind = detect_small_talk(question)
    if kind is not None:
        click.echo(f"Question    {question}")
        click.echo(f"Decision    small_talk ({kind.value}): no article is searched")
        return
    ranking, decision = _search(index, question, top)
    kind = small_talk_once_read(ranking)
    if kind is not None:
        click.echo(f"Question    {question}")
        click.echo(f"Understood  {ranking.analysis.repaired_text}")
        click.echo(f"Decision    small_talk ({kind.value}), typed with a slip: no article is shown")
        return
    if HumanRequestDetector(index.retriever.analyzer.lemmatizer).detect(question) is not None:
        from bot.policy import Escalate

        decision = Escalate(confidence=1.0)
        click.echo("Asked for   a person: escalated whatever the articles say")
    elif asks_nothing(ranking) and tells_trouble(ranking):
        click.echo("No question in it: the bot asks what exactly does not work, whatever matched")
    elif asks_nothing(ranking):
        click.echo("No question in it: the bot asks to put one in words, whatever matched")
    analysis = ranking.analysis
    offered: dict[str, str] = {}
    if isinstance(decision, Answer):
        offered[decision.hit.doc_id] = "answer"
        offered.update((hit.doc_id, "beside") for hit in decision.related)
    elif isinstance(decision, Clarify):
        offered.update((hit.doc_id, "choice") for hit in decision.hits)
    rows = [
        ("Question", question),
        ("Understood", analysis.text or "(nothing)"),
        ("Terms", ", ".join(analysis.terms) or "(none: only greetings and filler words)"),
    ]
    if analysis.repairs:
        rows.append(
            ("Repairs", ", ".join(f"{typed} → {fixed}" for typed, fixed in analysis.repairs))
        )
    rows.append(("Engine", ranking.engine))
    rows.append(("Decision", f"{decision.kind}, confidence {decision.confidence:.2f}"))
    for label, value in rows:
        click.echo(f"{label:<11} {value}")
    hits = ranking.hits[:top]
    if not hits:
        click.echo("\nNo article matched.")
        return
    width = max(len("id"), *(len(hit.doc_id) for hit in hits))
    click.echo(f"\n  #  score   {'id':<{width}}  {'':<6}  title")
    for number, hit in enumerate(hits, 1):
        title = index.catalog[hit.doc_id].title
        mark = offered.get(hit.doc_id, "")
        click.echo(f"{number:>3}  {hit.score:.3f}   {hit.doc_id:<{width}}  {mark:<6}  {title}")
