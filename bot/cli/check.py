"""``faqbot check``: the strict lint authors run before publishing articles."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import BadInput, articles_option, debug_option, plural_en
from kb import Catalog, KnowledgeBaseNotFound, load_folder

__all__ = ["check"]

#: Files a hint names before it only counts the rest.
SHOWN = 3


@click.command()
@articles_option
@debug_option
def check(articles: Path) -> None:
    """Check every article; list each problem as file:line: message.

    Exits with 1 if any file has a problem (problems on stdout, a count on stderr),
    with 0 and a one-line summary otherwise (and, on stderr, a hint naming articles
    without questions).
    """
    try:
        result = load_folder(articles)
    except KnowledgeBaseNotFound as error:
        raise BadInput(str(error)) from None
    found = sorted((*result.problems, *result.warnings), key=lambda p: (p.path.parts, p.line))
    if found:
        for problem in found:
            click.echo(str(problem))
        n, files = len(found), len({problem.path for problem in found})
        click.echo(
            f"{n} {plural_en(n, 'problem', 'problems')} in {files} "
            f"{plural_en(files, 'file', 'files')}",
            err=True,
        )
        raise click.exceptions.Exit(1)
    n = len(result.catalog)
    if n == 0:
        raise click.ClickException(
            f"no articles in {articles}: articles are *.md files with YAML front matter"
        )
    click.echo(f"OK: {n} {plural_en(n, 'article', 'articles')}")
    _hint_slips(result.catalog)
    bare = [article for article in result.catalog if not article.questions]
    if bare:
        # Not a problem (the field is optional), but the costliest gap an article can have.
        named = ", ".join(str(article.path or article.id) for article in bare[:SHOWN])
        more = f" and {len(bare) - SHOWN} more" if len(bare) > SHOWN else ""
        click.echo(
            f"hint: {len(bare)} {plural_en(len(bare), 'article has', 'articles have')} no "
            f"'questions:' ({named}{more}); customers' own wordings are what leads them to an "
            "article (see the authors' guide)",
            err=True,
        )


def _hint_slips(catalog: Catalog) -> None:
    """Name the words of the authors' text the engine reads as another (likely typos)."""
    # Imported here: pymorphy3's dictionaries load in a fraction of a second, and only a
    # check that got this far needs them.
    from kb.spelling import find_slips
    from nlp.lemmas import Lemmatizer

    slips = find_slips(catalog, Lemmatizer())
    if not slips:
        return
    n = len(slips)
    click.echo(
        f"hint: {n} {plural_en(n, 'word', 'words')} no dictionary knows, read as a word these "
        "articles use often (a typo? fix it; a real word? leave it):",
        err=True,
    )
    for slip in slips:
        click.echo(f"  {slip}", err=True)
