"""The shared benchmark sets, found by relative path beside the repository."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "bench"


@dataclass(frozen=True)
class Dataset:
    name: str
    articles: Path
    cases: Path
    #: The cases are the articles' own ``questions:`` (real customers' phrasings): each one
    #: must be asked of the articles without itself (see ``benchmarks.train.collect``).
    own_phrasings: bool = False

    @property
    def available(self) -> bool:
        return self.articles.is_dir() and self.cases.is_file()


DEV_SETS = (
    Dataset("sota", SHARED / "sota/articles", SHARED / "sota/dev.tsv"),
    Dataset("klever", SHARED / "klever/articles", SHARED / "klever/dev.tsv"),
    Dataset("most", SHARED / "most/articles", SHARED / "most/dev.tsv"),
    Dataset(
        "rutube-zero", SHARED / "rutube_support/articles-zero", SHARED / "rutube_support/dev.tsv"
    ),
    Dataset(
        "rutube-zero-noisy",
        SHARED / "rutube_support/articles-zero",
        SHARED / "rutube_support/dev-noisy.tsv",
    ),
    Dataset("dp_school_faq", SHARED / "dp_school_faq/articles", SHARED / "dp_school_faq/dev.tsv"),
)

#: RUTUBE as its users phrased it: the articles carry the dev questions as ``questions:``.
#: Only for measuring with each question taken out of its article first (never a plain dev set:
#: every answer is in the KB word for word).
RUTUBE_PHRASED = Dataset(
    "rutube-phrased",
    SHARED / "rutube_support/articles",
    SHARED / "rutube_support/dev.tsv",
    own_phrasings=True,
)
