"""From raw text to the terms we match on: the whole normalisation pipeline in one place.

normalise → greetings out → wrong script repaired → tokens → typos repaired against the KB's
vocabulary → lemmas → filler and function words out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from nlp.lemmas import Lemmatizer
from nlp.scripts import ScriptRepair
from nlp.slang import slang_words, standard
from nlp.small_talk import WORDS as SMALL_TALK_WORDS
from nlp.stopwords import FILLER, is_stopword, strip_greetings
from nlp.text import normalise
from nlp.tokens import tokenize, words_of
from nlp.typos import TypoFixer

_DIGIT = re.compile(r"\d")
_WORDS = re.compile(r"[^\W_]+")
#: Runs of Russian letters joined by single commas, dots or semicolons and nothing else.
_MARKS_INSIDE = re.compile(r"(?<![^\W_])[а-я]+(?:[,.;][а-я]+)+(?![^\W_])")
_MARK = re.compile(r"([,.;])")
_ONE_LETTER_WORDS = frozenset("авиксуоя")

#: The longest message read: Telegram's own limit for one. A longer text (typed into the CLI
#: or the web page's "try a question") is read up to its last word within it, so that one
#: question never costs more than the longest message a customer can send.
MAX_QUESTION_CHARS = 4096


def first_chars(text: str, limit: int = MAX_QUESTION_CHARS) -> str:
    """``text`` up to ``limit`` characters, cut after a whole word where there is one.

    >>> first_chars("оплата картой", 10)
    'оплата'
    """
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = head.rsplit(None, 1)[0] if not text[limit].isspace() else head
    return cut or head


@dataclass(frozen=True)
class Analysis:
    """What the engine understood of a message.

    :param text: the normalised text after script repair (what a human would have typed)
    :param terms: content lemmas, in order, used for matching
    :param repairs: (typed, understood) word pairs, to explain a match
    :param unreadable: not one word of it is a word: none is the knowledge base's, the
        dictionary's or a repair of one, and there is no number or code (``фывапролдж``,
        ``😀``, ``?!``). Such a message is no question, whatever it scores
    """

    text: str
    terms: tuple[str, ...]
    repairs: tuple[tuple[str, str], ...] = ()
    unreadable: bool = False

    @property
    def repaired_text(self) -> str:
        """What the customer meant to type: the normalised text (wrong layout and translit
        already read as Russian) with the repaired typos put back.

        For what reads whole messages rather than terms: the encoder was trained on clean text
        («rfr pfdthibnm» or «машыну» are noise to it, while the word views have understood
        them), and small talk is told by its phrases («спасиб» is thanks once read).

        >>> Analysis("немогу открыть машыну", (), (("немогу", "не могу"),
        ...                                       ("машыну", "машину"))).repaired_text
        'не могу открыть машину'
        """
        fixes = dict(self.repairs)
        if not fixes:
            return self.text
        return _WORDS.sub(lambda m: fixes.get(m.group(0), m.group(0)), self.text)


#: A word seen at most this often in the KB, unknown to the dictionary, one slip away from a
#: dictionary word seen at least :data:`SLIP_TARGET_SEEN` times, is read as a slip of it.
SLIP_SEEN_AT_MOST = 2
SLIP_TARGET_SEEN = 3
SLIP_MIN_LENGTH = 5


def kb_slips(words: Counter[str], lemmatizer: Lemmatizer) -> dict[str, str]:
    """The knowledge base's own typos: rare words no dictionary knows, one edit from a
    dictionary word the KB uses often (``пороль`` → ``пароль``).

    Customers' phrasings (RUTUBE's, or those ``faqbot learn`` adds from tickets) keep their
    typos. Read as the KB's own words, a typo would never be repaired in a question typed the
    same way, and would match only the phrasing it came from. In the shared authored KBs this
    finds three words, each an author's typo («начислятся», «даннные», «рекоммендация»); two
    edits would read other words (``довозе`` → ``дороже``).
    """
    rare = [
        w
        for w, n in words.items()
        if n <= SLIP_SEEN_AT_MOST
        and len(w) >= SLIP_MIN_LENGTH
        and w.isalpha()
        and not lemmatizer.is_known(w)
    ]
    # Only towards dictionary words: a KB's own names (products, places, the brand) are
    # unknown to it, and two of them one letter apart are two names, not a slip.
    common = Counter(
        {w: n for w, n in words.items() if n >= SLIP_TARGET_SEEN and lemmatizer.is_known(w)}
    )
    if not rare or not common:
        return {}
    fixer = TypoFixer().fit(common.elements())
    return {w: fixed for w in rare if (fixed := fixer.one_edit(w))}


class Analyzer:
    """Turns text into matching terms; ``fit`` learns the knowledge base's vocabulary.

    :param lemmatizer: shared pymorphy3 cache (one per process is plenty)
    """

    def __init__(
        self,
        lemmatizer: Lemmatizer | None = None,
        max_inflected_lemmas: int = 2000,
    ) -> None:
        self.lemmatizer = lemmatizer or Lemmatizer()
        self.max_inflected_lemmas = max_inflected_lemmas
        self._doc_terms: dict[str, str | None] = {}
        self.slips_: dict[str, str] = {}

    def fit(self, texts: Iterable[str]) -> Analyzer:
        """Learn the words and lemmas of the knowledge base from its texts."""
        self.fit_terms(texts)
        return self

    def fit_terms(self, texts: Iterable[str]) -> list[list[str]]:
        """Learn the KB's words from ``texts`` and return each text's terms.

        The words are counted before any text's terms are read: the KB's own typos are told
        by how often each word occurs (:func:`kb_slips`). Each text's tokens are kept between
        the two steps as references to one string per distinct word: kept as they came, every
        occurrence its own string, they cost ~80 MB more at 10 000 articles, and reading the
        texts twice doubled the time.
        """
        canonical: dict[str, str] = {}
        tokenized = [
            [canonical.setdefault(w, w) for w in words_of(normalise(text))] for text in texts
        ]
        words: Counter[str] = Counter(w for tokens in tokenized for w in tokens)
        self._learn(Counter({w: n for w, n in words.items() if not _DIGIT.search(w)}))
        return [self._document_terms(tokens) for tokens in tokenized]

    def _document_terms(self, tokens: list[str]) -> list[str]:
        # KB text is long and repetitive: each distinct word is looked at once.
        cache, slips = self._doc_terms, self.slips_
        terms = []
        for token in tokens:
            if token not in cache:
                cache[token] = self._term(slips.get(token, token), bool(_DIGIT.search(token)))
            term = cache[token]
            if term:
                terms.append(term)
        return terms

    def _learn(self, words: Counter[str]) -> None:
        self.slips_ = kb_slips(words, self.lemmatizer)
        self._doc_terms = {}
        self.vocabulary_: Counter[str] = Counter(
            {w: n for w, n in words.items() if w not in self.slips_}
        )
        self._lemma_counts = Counter(self.lemmatizer.lemma(w) for w in self.vocabulary_)
        self.lemmas_ = frozenset(self._lemma_counts)
        # Over the vocabulary and the lemmatizer, not a method of ours: a reference cycle would
        # keep a replaced index's analyzer (and its typo fixer) until the cycle collector came,
        # and one frozen at start-up (gc.freeze) for good.
        vocabulary, lemmatizer = self.vocabulary_, self.lemmatizer
        self.scripts_ = ScriptRepair(
            is_known=lambda word: word in vocabulary or lemmatizer.is_known(word),
            keep=vocabulary.__contains__,
            count=vocabulary.__getitem__,
        )
        self._typos: TypoFixer | None = None

    @property
    def typos_(self) -> TypoFixer:
        """The typo repairer, built on the first misspelt word (or by ``warm``).

        Typos are repaired towards any form of the KB's words, not only the forms it happens to
        use ("набрпть" → "набрать" although articles say "наберите"), and towards the filler
        words of a message (greetings, «пожалуйста», «подскажите»): forms of the most frequent
        lemmas only, to bound build time and memory on large KBs. Building it is most of an
        index's build time, and a start-up that answers a first, well-typed question need not
        wait for it.
        """
        if self._typos is None:
            forms = [
                form
                for lemma, _ in self._lemma_counts.most_common(self.max_inflected_lemmas)
                for form in self.lemmatizer.forms(lemma)
            ]
            # The words customers wrap a question in are repair targets too, so a misspelt one
            # is read as itself and left out as filler: «здраствуйте» is not «действуйте»,
            # «спасиб» is not «способ», whatever words the KB happens to have; so are small
            # talk's («как дила» is «как дела», not an article about «дил»), and slang's, read
            # as the articles' words once repaired («кооменты»).
            polite = [*FILLER, *SMALL_TALK_WORDS]
            self._typos = TypoFixer().fit(
                [*self.vocabulary_.elements(), *forms, *polite, *slang_words()]
            )
        return self._typos

    def warm(self) -> Analyzer:
        """Build what is otherwise built on first use, so no query pays for it."""
        _ = self.typos_
        return self

    def _is_word(self, word: str) -> bool:
        return word in self.vocabulary_ or self.lemmatizer.is_known(word)

    def terms_of_document(self, text: str) -> list[str]:
        """Terms of knowledge-base text: trusted spelling, so no repair, only lemmas and filters."""
        return self._document_terms(words_of(normalise(text)))

    def _term(self, word: str, is_code: bool) -> str | None:
        if is_code:
            return word
        word = standard(word, self.lemmatizer)
        lemma = self.lemmatizer.lemma(word)
        if word in FILLER or is_stopword(lemma, self.lemmatizer.pos(word)):
            return None
        return lemma

    def analyze(self, raw: str) -> Analysis:
        """Everything the engine needs of a customer's message."""
        text = strip_greetings(
            self._marks_inside_words(self.scripts_.repair(normalise(first_chars(raw))))
        )
        terms: list[str] = []
        repairs: list[tuple[str, str]] = []
        readable = False
        for token in tokenize(text):
            # Slang first: "прила" is one edit from "пришла", but customers mean the app.
            word = standard(token.text, self.lemmatizer)
            if not token.is_code and word not in self.vocabulary_:
                rest = self._glued_negation(word)
                if rest:
                    repairs.append((word, f"не {rest}"))
                    terms.append("не")
                    word = rest
                fixed = self._repair(word)
                if fixed:
                    repairs.append((word, fixed))
                    word = fixed
                # A word after all: a repair of one, «не» glued to one, or the dictionary's.
                readable = readable or bool(rest or fixed) or self.lemmatizer.is_known(word)
            else:
                readable = True  # the knowledge base's own word, a number or a code
            term = self._term(word, token.is_code)
            if term:
                terms.append(term)
        return Analysis(
            text=text, terms=tuple(terms), repairs=tuple(repairs), unreadable=not readable
        )

    def reading(self, raw: str) -> str | None:
        """The message as its letters were read, where that is not as typed: a wrong keyboard
        layout or translit read as Russian («ghbdtn? rfr pfdthibnm fhtyle» → «привет? как
        завершить аренду»). ``None`` when it reads as typed.

        For people who read the customer's own words (agents). Typos stay as typed, since a
        repair towards the knowledge base's words may pick another form of the word, and a
        human reads a typo anyway, not a whole message in the wrong layout. Only a reading
        that changed two words or more, at least two in three of them into words, is given:
        «ok» → «ок» tells nobody anything, and «apple pay» → «аппле пай» would mislead, while
        a typo made in the wrong layout («cjj,fre» → «сообаку») spoils no reading.
        """
        typed = normalise(first_chars(raw))
        read = self.scripts_.repair(typed)
        # Compared as sets of words: «hf,jnftn» is two words typed and one read («работает»).
        was = set(words_of(typed))
        changed = [word for word in words_of(read) if word not in was]
        words = sum(map(self._is_word, changed))
        return read if len(changed) > 1 and 3 * words >= 2 * len(changed) else None

    def _marks_inside_words(self, text: str) -> str:
        """A comma or dot struck inside a word taken out: «ден,ь» → «день».

        Only where the joined letters make a word and the two parts do not both: «какую,хочу»
        is two words with the space left out, «т.е» an abbreviation.
        """

        def joined(match: re.Match[str]) -> str:
            left, *rest = _MARK.split(match.group())
            out: list[str] = []
            for mark, right in zip(rest[::2], rest[1::2], strict=True):
                whole = left + right
                if (
                    len(whole) > 2  # «т.е», «т.к»: abbreviations
                    and self._is_word(whole)
                    and not (self._alone(left) and self._alone(right))
                ):
                    left = whole
                else:
                    out += [left, mark]
                    left = right
            return "".join([*out, left])

        return _MARKS_INSIDE.sub(joined, text)

    def _alone(self, part: str) -> bool:
        """Whether ``part`` can stand as a word of its own (of one letter, only the few that
        do: «в», «и», «я»...; the dictionary also knows «ы» and «ь», as letters' names)."""
        return (len(part) > 1 or part in _ONE_LETTER_WORDS) and self._is_word(part)

    def _glued_negation(self, word: str) -> str | None:
        """``немогу`` → ``могу``: "не" typed without its space before a verb (a common slip)."""
        if len(word) < 5 or not word.startswith("не") or self.lemmatizer.is_known(word):
            return None
        rest = word[2:]
        return rest if self._is_word(rest) else None

    def _repair(self, word: str) -> str | None:
        if not self.lemmatizer.is_known(word):
            return self.typos_.fix(word)
        if self.lemmatizer.lemma(word) in self.lemmas_ or not self._term(word, is_code=False):
            return None  # the KB's own word, or a stopword («меня» is no slip for «меняя»)
        # A real word the KB never uses may still be a slip for one it does («балами»: a ball
        # dance, in a KB about loyalty points), but only by the slips that rarely make another
        # word (see TypoFixer.misread), and only to a word that counts: «семь» is no slip for
        # «есмь», a form of the stopword «быть» the vocabulary holds.
        fixed = self.typos_.misread(word)
        return fixed if fixed and self._term(fixed, is_code=False) else None
