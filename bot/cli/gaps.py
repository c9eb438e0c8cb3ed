"""``faqbot gaps``: what the knowledge base is missing, from what customers asked the bot.

Reads the bot's database (``DATABASE_URL``) and never writes to it: a database that does not
exist yet, or has no tables yet, is a period with no data, and the report says so.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import articles_option, build_index, debug_option, load_catalog

if TYPE_CHECKING:
    from bot.reports import Activity, GapReport, Period

__all__ = ["gaps"]

FORMATS = ("md", "csv", "html")
_BY_SUFFIX = {".md": "md", ".csv": "csv", ".html": "html", ".htm": "html"}


@click.command()
@click.option(
    "--since",
    default="30d",
    show_default=True,
    metavar="SPAN|DATE",
    help="Start of the period: 12h, 30d, 2w back from now, or an ISO date (UTC).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="md, csv or html [default: from FILE's extension, else md].",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write the report to FILE instead of printing it.",
)
@articles_option
@debug_option
def gaps(since: str, fmt: str | None, output: Path | None, articles: Path) -> None:
    """Report the content gaps: topics of unanswered questions, articles that fail.

    \b
    1. unanswered questions (handed over, ticket, 👎) grouped by topic, with trend
    2. articles with the most 👎 and the lowest self-service rate
    3. article pairs the bot keeps confusing
    4. articles no question matched

    \b
    faqbot gaps --since 2w
    faqbot gaps --since 2026-11-01 --output gaps.html
    """
    import asyncio

    from pydantic import ValidationError

    from bot.cli.common import one_line
    from bot.reports import BadPeriod, Period, build_report, parse_since
    from bot.settings import Settings

    now = datetime.now(UTC)
    try:
        period = Period(parse_since(since, now), now)
    except BadPeriod as error:
        raise click.BadParameter(str(error), param_hint="'--since'") from None
    try:
        settings = Settings()
    except ValidationError as error:
        raise click.ClickException(one_line(error)) from None
    catalog = load_catalog(articles)
    activity = asyncio.run(_load(settings.database_url, period))  # fails fast, before the index
    index = build_index(catalog)
    report = build_report(activity, catalog, index.retriever.analyzer, period)
    text = _render(report, fmt or _format_of(output))
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror or error}") from None
    click.echo(f"Report written to {output}", err=True)


async def _load(url: str, period: Period) -> Activity:
    """The period's records; none when the database or its tables do not exist yet.

    :raises click.ClickException: the database does not answer
    """
    from sqlalchemy import inspect, make_url

    from bot.db.repo.analytics import load_activity
    from bot.db.session import (
        DatabaseUnavailable,
        check_database,
        create_engine,
        create_sessionmaker,
    )
    from bot.reports import Activity

    parsed = make_url(url)
    in_file = parsed.get_backend_name() == "sqlite" and parsed.database not in ("", ":memory:")
    if in_file and parsed.database and not Path(parsed.database).exists():
        return Activity()  # connecting would create an empty file: the bot has not run here
    engine = create_engine(parsed)
    try:
        await check_database(engine)
        async with engine.connect() as connection:
            migrated = await connection.run_sync(lambda sync: inspect(sync).has_table("attempts"))
        if not migrated:
            return Activity()
        async with create_sessionmaker(engine)() as session:
            return await load_activity(session, since=period.since, until=period.until)
    except DatabaseUnavailable as error:
        raise click.ClickException(str(error)) from None
    finally:
        await engine.dispose()


def _format_of(output: Path | None) -> str:
    """The format ``--output``'s extension names; Markdown for anything else."""
    return _BY_SUFFIX.get(output.suffix.lower(), "md") if output is not None else "md"


def _render(report: GapReport, fmt: str) -> str:
    from bot.reports import render_gaps_csv, render_gaps_html, render_gaps_markdown

    if fmt == "csv":
        return render_gaps_csv(report)
    if fmt == "html":
        return render_gaps_html(report)
    return render_gaps_markdown(report)
