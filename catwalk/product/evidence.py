"""The vocabulary the product readers and the merge share. Tag dimensions and values are
the template library's dictionary (`catwalk.library.dictionary`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

TagValue = str | bool | list[str]


class Source(StrEnum):
    """Where a tag came from, in the default order of trust (merchant first)."""

    MERCHANT = "merchant"
    TEXT = "text"
    VISION = "vision"


@dataclass(frozen=True)
class Evidence:
    """One reading of one dimension: e.g. colour_family = "navy" from the photo, 0.8, "62% of
    the garment's pixels are navy"; or has_pockets = False from the title, 0.95, 'title: "无口袋"'."""

    dimension: str
    value: str | bool
    confidence: float  # 0..1
    source: Source
    reason: str


@dataclass(frozen=True)
class NamedColour:
    """A dominant colour of the garment: a palette name, its zh/en words, the family it
    belongs to (a colour_family value), the measured colour and its share of the garment."""

    name: str
    zh: str
    en: str
    family: str
    hex: str  # "#1f2a44": the cluster's mean colour, not the palette's
    share: float  # 0..1 of garment pixels


@dataclass
class VisionReading:
    """What the photo says (catwalk.product.vision.read_photo)."""

    evidence: list[Evidence]
    colours: list[NamedColour]  # by share, largest first
    descriptor: list[float]  # catwalk.vision.descriptor.visual_descriptor of the photo
    notes: list[str] = field(default_factory=list)  # e.g. "the garment fills 4% of the photo"


@dataclass
class TextReading:
    """What the title and description say (catwalk.product.text.read_text)."""

    evidence: list[Evidence]
    language: str  # "zh", "en" or "mixed"
    phrases: list[str] = field(default_factory=list)  # the phrases that gave evidence, for selling points


@dataclass(frozen=True)
class ProfileTag:
    value: TagValue
    confidence: float
    source: Source
    reason: str


@dataclass(frozen=True)
class Conflict:
    """Sources disagree on a dimension: what was kept and what was overruled, in words."""

    dimension: str
    chosen: Evidence
    overruled: tuple[Evidence, ...]
    message: str  # e.g. 'the title says red, the photo is blue (navy 71%); kept the title'


@dataclass(frozen=True)
class ShotSuggestion:
    """A shot type (a template shot_type value) the product should get, and why."""

    shot_type: str
    reason: str


@dataclass(frozen=True)
class SellingPoint:
    zh: str
    en: str
    dimensions: tuple[str, ...]  # the tags it speaks of


@dataclass
class ParsedProduct:
    """The parser's answer (catwalk.product.merge.merge)."""

    tags: dict[str, ProfileTag]
    colours: list[NamedColour]
    conflicts: list[Conflict]
    shot_types: list[ShotSuggestion]
    selling_points: list[SellingPoint]
    descriptor: list[float]
    language: str
