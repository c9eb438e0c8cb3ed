"""``/``: the period at a glance, the self-service rate per day, and the content-gap report."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from aiohttp import web

from bot.web.chart import rate_chart
from bot.web.outcomes import Tickets, daily_self_service
from bot.web.pages import PERIODS, render, window
from bot.web.site import site

__all__ = ["show"]


async def show(request: web.Request) -> web.StreamResponse:
    app, period = site(request), window(request)
    # Whole local days, today the last of them: the chart's days and the report's period agree.
    last = period.until.astimezone(app.tz).date()
    first = last - timedelta(days=period.days - 1)
    since = datetime.combine(first, time(0), app.tz).astimezone(UTC)
    overview = await app.gaps.overview(app.db, app.answers, since=since, until=period.until)
    activity = overview.activity
    days = daily_self_service(
        activity.attempts, Tickets(activity.tickets), first=first, last=last, tz=app.tz
    )
    questions = sum(day.questions for day in days)
    served = sum(day.self_served for day in days)
    return render(
        request,
        "overview",
        days=period.days,
        periods=PERIODS,
        questions=questions,
        self_served=served,
        rate=served / questions if questions else None,
        tickets=len(activity.tickets),
        helpful=sum(vote.helpful for vote in activity.votes),
        unhelpful=sum(not vote.helpful for vote in activity.votes),
        chart=rate_chart(days),
        report=overview.report_html(),
    )
