"""The narration phrase bank: templates with slots, by angle and language.

Each template is one idea said a few ways, richest form first; a form whose slots the
profile cannot fill (say {pockets} for a garment without) is never said. The garment's noun
phrase ({np}, {a_np}, {NP}, {A_np}, {bare}) comes in several richness levels, and a
selling point may ride along as an extra sentence, so the script writer can pick the richest
wording that fits a shot and shorten it (drop adjectives, then clauses) when it does not.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from catwalk.media.copy_facts import SAYS, Facts, Point

ANGLES = ("opening", "silhouette", "detail", "movement", "back", "styling", "general", "closing")

# The dimensions a selling point speaks of that suit each angle best.
ANGLE_DIMENSIONS: dict[str, frozenset[str]] = {
    "opening": frozenset({"material", "colour_family", "pattern", "style"}),
    "silhouette": frozenset({"fit", "length", "silhouette", "waist", "colour_family", "pattern"}),
    "detail": frozenset({"material", "has_pockets", "pocket_style", "neckline", "closure", "hooded",
                         "drawstring", "collar", "sleeve_length", "sleeve_type", "pattern", "belted"}),
    "movement": frozenset({"material", "thickness", "elasticity", "length", "fit"}),
    "back": frozenset({"fit", "length", "belted", "hooded", "collar", "silhouette"}),
    "styling": frozenset({"season", "occasion", "style", "colour_family"}),
    "general": frozenset(),
    "closing": frozenset({"season", "occasion", "style"}),
}


# The tag dimension a slot speaks of, so a line does not say the same thing twice.
SLOT_DIMENSIONS = {"colour": "colour_family", "material": "material", "materials": "material", "fit": "fit",
                   "cut": "fit", "pockets": "has_pockets", "closure": "closure", "neckline": "neckline",
                   "length": "length", "season": "season", "season_cap": "season", "occasion": "occasion",
                   "style": "style", "belt": "belted", "hood": "hooded"}

NP_SLOTS = frozenset({"np", "NP", "a_np", "A_np", "bare"})


@dataclass(frozen=True)
class Template:
    key: str
    forms: tuple[str, ...]
    extra_first: bool = False  # a selling point goes before the form (calls to action end a line)


def _t(key: str, *forms: str, extra_first: bool = False) -> Template:
    return Template(key, forms, extra_first)


EN: dict[str, tuple[Template, ...]] = {
    "opening": (
        _t("meet", "Meet {a_np}."),
        _t("hello", "Say hello to {a_np}."),
        _t("introducing", "Introducing {a_np}."),
        _t("eyes", "All eyes on {np}."),
        _t("heres", "Here's {a_np} worth a closer look.", "Here's {a_np}."),
        _t("first", "First up: {a_np} in {colour}.", "First up: {a_np}."),
        _t("today", "Today's pick is {a_np}."),
    ),
    "silhouette": (
        _t("headtoe", "Head to toe, {np} {has} {cut}.", "Head to toe, {it} {has} {cut}.", "Head to toe."),
        _t("shape", "See the full shape: {cut}, in {colour}.", "See the full shape: {cut}.", "See the full shape."),
        _t("line", "From shoulder to hem, {np} keep{s} one clean line.", "Shoulder to hem, one clean line."),
        _t("length", "The {length} length frames the whole look.", "Note the {length} length."),
        _t("whole", "Take in the whole look, {colour} from top to bottom.", "Take in the whole look."),
        _t("fitsays", "{It_s} all about the shape: {sp_l}.", "{It_s} all about the shape."),
    ),
    "detail": (
        _t("closer", "Up close: {sp_l}.", "Look closer: {sp_l}."),
        _t("material", "Get close and see the texture of the {material}.", "Up close, the {material} shows."),
        _t("neckline", "Notice the {neckline}, a detail that frames the face.", "Notice the {neckline}."),
        _t("pockets", "And yes, {it} {has} {pockets}.", "Yes, {pockets}."),
        _t("closure", "Check the {closure} up close.", "Check the {closure}."),
        _t("every", "Every detail counts: {sp_l}.", "Every detail counts."),
        _t("belt", "The {belt} pulls the waist in neatly.", "See the {belt}."),
    ),
    "movement": (
        _t("watch", "Watch how {np} move{s} with every step.", "Watch how {it} move{s}."),
        _t("motion", "See {np} in motion.", "See {it} in motion."),
        _t("fabric", "In motion, the {material} falls and sways with you.", "Watch the {material} move."),
        _t("keepup", "On the move, {it} keep{s} up with you.", "{It} keep{s} up with you."),
        _t("made", "Made to move: {sp_l}.", "Made to move."),
        _t("stride", "Step by step, the {length} length swings with the stride.", "The {length} length swings."),
    ),
    "back": (
        _t("turn", "Turn around: the back is as clean as the front.", "Now the back view."),
        _t("behind", "From behind, the {fit} cut holds {its} shape.", "From behind, the {fit} cut."),
        _t("spin", "Spin once and see {np} from every angle.", "One spin, every angle."),
        _t("backview", "The view from the back: {sp_l}.", "The view from the back."),
        _t("oneturn", "One turn shows the whole cut of {np}.", "One turn shows the whole cut."),
        _t("beltback", "The {belt} ties the look together from the back.", "The {belt}, from the back."),
    ),
    "styling": (
        _t("occasion", "Style {them} for {occasion} this {season}.", "Style {them} for {occasion}."),
        _t("season", "{season_cap} sorted: {np} {is_} ready when you are.", "{season_cap} sorted."),
        _t("colour", "Pair {them} with simple basics and let the {colour} do the talking.",
           "Let the {colour} do the talking."),
        _t("style", "An easy {style} look, from morning to evening.", "An easy {style} look."),
        _t("updown", "Wear {them} up or down: {sp_l}.", "Wear {them} up or down."),
        _t("wearwith", "Wear {them} to {occasion} and feel put together.", "Perfect for {occasion}."),
    ),
    "general": (
        _t("more", "There's more to {np}: {sp_l}.", "There's more: {sp_l}."),
        _t("plus", "Plus, {sp_l}.", "Plus: {sp_l}."),
        _t("love", "What's to love? {SP}.", "Love this: {sp_l}."),
        _t("simple", "Simple and wearable: that's {np}.", "Simple and wearable."),
    ),
    "closing": (
        _t("tap", "Tap the link to make {np} yours.", "Tap the link to make {them} yours.", "Tap to shop.",
           extra_first=True),
        _t("today", "Get {np} today, just tap to shop.", "Get {them} today.", "Shop now.", extra_first=True),
        _t("wait", "Don't wait: {np} {is_} just a tap away.", "{It_s} just a tap away.", "Shop now.",
           extra_first=True),
        _t("cart", "Add {np} to your cart now.", "Add {them} to your cart.", "Add to cart.", extra_first=True),
        _t("ready", "Ready for {occasion}? Shop {np} now.", "Shop {them} now.", "Shop now.", extra_first=True),
    ),
}

ZH: dict[str, tuple[Template, ...]] = {
    "opening": (
        _t("look", "来看{np}。", "来看{bare}。"),
        _t("recommend", "今天推荐{np}。", "今天推荐{bare}。"),
        _t("intro", "给大家介绍{np}。", "介绍{bare}。"),
        _t("onstage", "这次上身的是{np}。", "上身{bare}。"),
        _t("crush", "一眼心动，就是{np}。", "一眼心动，就是{this}。"),
        _t("first", "先登场的是{np}。", "登场：{bare}。"),
    ),
    "silhouette": (
        _t("whole", "全身来看，{fit}版型干净利落。", "全身看，{fit}版型。"),
        _t("shape", "整体廓形一目了然，{sp}。", "整体廓形一目了然。"),
        _t("line", "从肩到下摆，{this}{noun}线条流畅。", "从肩到下摆，线条流畅。"),
        _t("length", "{length}的设计，比例刚刚好。", "{length}，比例刚好。"),
        _t("colour", "{colour}上身，整体很有质感。", "{colour}上身很有质感。"),
        _t("proportion", "看整体比例，{sp}。", "看整体比例。"),
    ),
    "detail": (
        _t("closer", "近看细节，{sp}。", "近看细节。"),
        _t("material", "{material}面料，质感近看更明显。", "{material}面料，质感看得见。"),
        _t("neckline", "{neckline}设计，细节很加分。", "{neckline}设计。"),
        _t("pockets", "还有{pockets}，实用又方便。", "还有{pockets}。"),
        _t("closure", "特写一下{closure}，精致耐看。", "特写{closure}。"),
        _t("care", "细节处理很用心，{sp}。", "细节很用心。"),
        _t("belt", "搭配{belt}，腰线一下就出来了。", "搭配{belt}。"),
    ),
    "movement": (
        _t("walk", "走起来，{this}{noun}随步伐自然摆动。", "走起来自然摆动。"),
        _t("fabric", "行走之间，{material}面料轻松自在。", "{material}面料，走动自在。"),
        _t("moving", "动起来更好看，{sp}。", "动起来更好看。"),
        _t("step", "每一步都轻松自在，{sp}。", "每一步都轻松自在。"),
        _t("see", "看它在走动中的样子，{sp}。", "看它走动的样子。"),
    ),
    "back": (
        _t("turn", "转个身，背面同样利落。", "转身看背面。"),
        _t("cut", "背后的剪裁也很讲究，{sp}。", "背后剪裁也讲究。"),
        _t("fit", "{fit}的剪裁，前后都好看。", "{fit}剪裁，前后都好看。"),
        _t("round", "转一圈，{np}各个角度都耐看。", "转一圈，各个角度都耐看。"),
        _t("behind", "从背面看，{sp}。", "再看背面。"),
    ),
    "styling": (
        _t("occasion", "{occasion}穿它刚刚好，{sp}。", "{occasion}穿它刚刚好。"),
        _t("season", "{season}穿上它，轻松出门。", "{season}穿它正好。"),
        _t("style", "随手一搭，就是{style}的感觉。", "{style}感十足。"),
        _t("colour", "{colour}很好搭配，简单单品就能出效果。", "{colour}好搭配。"),
        _t("easy", "怎么搭都好看，{sp}。", "怎么搭都好看。"),
    ),
    "general": (
        _t("more", "更值得一提的是，{sp}。", "还有，{sp}。"),
        _t("plus", "另外，{sp}。", "{sp}。"),
        _t("simple", "简单好穿，就是{np}。", "简单好穿。"),
    ),
    "closing": (
        _t("link", "喜欢就点击下方链接，把{np}带回家吧。", "喜欢就点击下方链接带回家吧。", "点击链接购买。",
           extra_first=True),
        _t("act", "心动不如行动，点击链接马上拥有{np}。", "心动不如行动，马上下单吧。", "马上下单吧。",
           extra_first=True),
        _t("cart", "现在就把{np}加入购物车吧。", "现在就加入购物车吧。", "加入购物车。", extra_first=True),
        _t("buy", "{bare}已经准备好了，点击链接立即下单。", "点击链接立即下单。", "立即下单。",
           extra_first=True),
    ),
}


@dataclass(frozen=True)
class Variant:
    text: str
    template: str
    point: int | None  # index into Facts.points, when the wording says that selling point
    shape: tuple[int, int | None, bool]  # (form, point, as an extra): the same sentence bar its noun phrase


def templates(language: str, angle: str) -> tuple[Template, ...]:
    return (ZH if language == "zh" else EN)[angle]


def render(template: Template, facts: Facts, point_order: list[int]) -> list[Variant]:
    """Every wording of a template this profile can fill: forms × noun-phrase levels × the
    candidate selling points (in a slot, or as an extra sentence), longest first is up to the
    caller. `point_order` lists the selling points it may use, best first."""
    out: dict[str, Variant] = {}
    for f, form in enumerate(template.forms):
        fields = {f for _, f, _, _ in string.Formatter().parse(form) if f}
        wants_point = bool(fields & {"sp", "sp_l", "SP"})
        said = {SLOT_DIMENSIONS[f] for f in fields if f in SLOT_DIMENSIONS}
        for level in facts.levels:
            slots = {**facts.slots, **level}
            np_said = set(level[SAYS].split(",")) - {""} if fields & NP_SLOTS else set()
            if said & np_said:
                continue  # "a pair of blue jeans in blue": a plainer noun phrase will do
            if "season" in slots:
                slots["season_cap"] = slots["season"][:1].upper() + slots["season"][1:]
            if not fields <= (set(slots) | {"sp", "sp_l", "SP"}):
                continue  # a fact this profile does not have
            in_slot = [i for i in point_order if not facts.points[i].derived]  # tag statements are no phrase
            for i in in_slot if wants_point else [None]:
                if i is not None:
                    p = facts.points[i].text
                    slots.update(sp=p, SP=_cap(p), sp_l=_lower(p))
                elif wants_point:
                    continue
                text = form.format(**slots)
                out.setdefault(text, Variant(text, template.key, i, (f, i, False)))
                if i is None:
                    extras = [j for j in point_order if not (said | np_said) & set(facts.points[j].dimensions)]
                    for j in extras[:3]:
                        extra = _sentence(facts.points[j], facts.language)
                        both = f"{extra} {text}" if template.extra_first else f"{text} {extra}"
                        both = both.replace("。 ", "。")
                        out.setdefault(both, Variant(both, template.key, j, (f, j, True)))
    return list(out.values())


def point_order(facts: Facts, angle: str, used: set[int]) -> list[int]:
    """Unused selling points, those that suit the angle first."""
    wanted = ANGLE_DIMENSIONS[angle]
    free = [i for i in range(len(facts.points)) if i not in used]
    return sorted(free, key=lambda i: (facts.points[i].derived, not (set(facts.points[i].dimensions) & wanted)))


def _sentence(point: Point, language: str) -> str:
    return f"{point.text}。" if language == "zh" else f"{_cap(point.text)}."


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower(text: str) -> str:
    # "A slim cut" → "a slim cut", but "V-neck" and "T-shirt" keep their capital.
    return text if text[1:2].isupper() or text[1:2] == "-" else text[:1].lower() + text[1:]
