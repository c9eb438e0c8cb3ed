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
