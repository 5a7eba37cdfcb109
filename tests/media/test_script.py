"""The narration script: lines that fit their shots, say only what the profile knows, never
repeat, vary with the seed; and the optional LLM copywriter against a real local HTTP server."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from catwalk.library.dictionary import BY_NAME
from catwalk.media.copy_llm import CopySettings, CopySettingsError, LlmCopywriter
from catwalk.media.script import (
    LEAD_IN_S,
    SPEAKING_RATE,
    TAIL_S,
    ScriptError,
    estimate_seconds,
    write_script,
)
from catwalk.v1 import media_assembler_pb2 as ma
from catwalk.v1 import tags_pb2 as t

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


def _tag(value: str | bool | list[str], confidence: float = 0.9) -> t.ProfileTag:
    tag = t.ProfileTag(confidence=confidence, source=t.TAG_SOURCE_TEXT)
    if isinstance(value, bool):
        tag.value.flag = value
    elif isinstance(value, list):
        tag.value.list.values.extend(value)
    else:
        tag.value.text = value
    return tag


def _profile(category: str, tags: dict[str, str | bool | list[str]], points: list[tuple[str, str, list[str]]],
             colour: tuple[str, str, str, str] | None = None, language: str = "en",
             unsure: dict[str, str | bool | list[str]] | None = None) -> t.ProductProfile:
    p = t.ProductProfile(category=category, language=language)
    for k, v in {"category": category, **tags}.items():
        p.tags[k].CopyFrom(_tag(v))
    for k, v in (unsure or {}).items():
        p.tags[k].CopyFrom(_tag(v, confidence=0.3))
    if colour:
        name, zh, en, family = colour
        p.colours.add(name=name, zh=zh, en=en, family=family, hex="#1f2a44", share=0.7)
    for zh, en, dims in points:
        p.selling_points.add(zh=zh, en=en, dimensions=dims)
    return p


@pytest.fixture
def trench() -> t.ProductProfile:
    return _profile("trench", {"material": ["wool"], "fit": "slim", "colour_family": ["navy"], "has_pockets": True,
                               "pocket_style": "flap", "closure": "double_breasted", "season": ["autumn", "winter"],
                               "occasion": ["work"], "style": ["business"], "belted": True},
                    [("羊毛面料，保暖有型", "Warm, structured wool", ["material"]),
                     ("修身剪裁，显瘦有型", "A slim, flattering cut", ["fit"]),
                     ("实用口袋，方便收纳", "Handy pockets for the essentials", ["has_pockets"]),
                     ("经典双排扣", "A classic double-breasted front", ["closure"]),
                     ("秋冬必备", "Made for autumn and winter", ["season"])],
                    colour=("navy", "藏青色", "Navy", "navy"))


@pytest.fixture
def dress() -> t.ProductProfile:
    # No pockets (said with confidence), and a material the parser was unsure of: neither may be spoken.
    return _profile("dress", {"has_pockets": False, "colour_family": ["red"], "season": ["summer"],
                              "length": "midi", "pattern": "solid", "occasion": ["vacation"]},
                    [("纯色设计，简约百搭", "A clean solid colour", ["pattern"]),
                     ("中长款，优雅大方", "An elegant midi length", ["length"]),
                     ("夏季必备", "Made for summer", ["season"])],
                    colour=("red", "红色", "Red", "red"), unsure={"material": ["silk"]})


@pytest.fixture
def zh_only() -> t.ProductProfile:
    return _profile("hoodie", {"material": ["cotton"], "fit": "loose", "hooded": True, "colour_family": ["grey"]},
                    [("纯棉面料，柔软透气", "", ["material"]), ("宽松廓形，自在舒适", "", ["fit"]),
                     ("连帽设计，防风保暖", "", ["hooded"])], language="zh")


SIXTY = [("full_body", 8.0), ("detail_closeup", 7.0), ("runway_walk", 9.0), ("turn", 6.0),
         ("detail_closeup", 7.0), ("full_body", 8.0), ("runway_walk", 9.0), ("turn", 6.0)]


def _shots(plan: list[tuple[str, float]] = SIXTY) -> list[ma.PlannedShot]:
    return [ma.PlannedShot(shot_type=s, duration_s=d) for s, d in plan]


# Words no line may say unless the profile says so: other garments, materials, colours, seasons, pockets.
def _vocabulary(language: str) -> dict[str, str]:
    words: dict[str, str] = {}
    for dim in ("category", "material", "colour_family", "season"):
        for v in BY_NAME[dim].values:
            words[(v.zh if language == "zh" else v.en.lower())] = f"{dim}={v.value}"
    words["口袋" if language == "zh" else "pocket"] = "has_pockets=True"
    words["兜" if language == "zh" else "pockets"] = "has_pockets=True"
    words["腰带" if language == "zh" else "belt"] = "belted=True"
    words["连帽" if language == "zh" else "hood"] = "hooded=True"
    words["双排扣" if language == "zh" else "double-breasted"] = "closure=double_breasted"
    words["中长" if language == "zh" else "midi"] = "length=midi"
    return words


def _said(text: str, word: str, language: str) -> bool:
    if language == "zh":
        return word in text
    return re.search(rf"\b{re.escape(word)}", text.lower()) is not None  # "belt" also finds "belted"


def test_speaking_rates_and_pauses() -> None:
    assert SPEAKING_RATE == {"en": 2.6, "zh": 4.2}
    assert estimate_seconds("one two three four five six seven eight nine ten eleven twelve thirteen", "en") == \
        pytest.approx(13 / 2.6, abs=0.01)
    assert estimate_seconds("Soft, warm, light.", "en") > estimate_seconds("Soft warm light", "en")
    assert estimate_seconds("修身剪裁显瘦有型", "zh") == pytest.approx(8 / 4.2, abs=0.01)
    assert estimate_seconds("修身剪裁，显瘦有型。好看。", "zh") > estimate_seconds("修身剪裁显瘦有型好看", "zh")
    assert estimate_seconds("V领T恤", "zh") > estimate_seconds("领恤", "zh")  # latin letters take time too
    with pytest.raises(ScriptError) as e:
        estimate_seconds("hi", "fr")
    assert e.value.field == "language"


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("name", ["trench", "dress", "zh_only"])
def test_sixty_seconds_of_lines(name: str, language: str, request: pytest.FixtureRequest) -> None:
    profile: t.ProductProfile = request.getfixturevalue(name)
    shots = _shots()
    script = write_script(profile, shots, language, seed=7)
    assert script.language == language and script.source == "phrase_bank"
    assert script.speaking_rate == SPEAKING_RATE[language]
    assert len(script.lines) == len(shots)  # no shot is short
    texts = [line.text for line in script.lines]
    assert len(set(texts)) == len(texts), texts
    starts = [sum(d for _, d in SIXTY[:i]) for i in range(len(SIXTY))]
    for line in script.lines:
        shot = shots[line.shot_index]
        assert line.estimated_s == pytest.approx(estimate_seconds(line.text, language))
        assert line.estimated_s <= shot.duration_s - LEAD_IN_S - TAIL_S, line
        assert line.start_s == pytest.approx(starts[line.shot_index] + LEAD_IN_S)
        assert line.estimated_s >= 1.0, line  # a 6–9 s shot gets a real sentence, not a word
        if language == "zh":
            assert len(CJK.findall(line.text)) > len(LATIN.findall(line.text)), line.text
        else:
            assert not CJK.search(line.text) and LATIN.search(line.text), line.text
    # Facts: nothing from the vocabulary that this profile does not have, whatever the seed.
    spoken = [x.text for seed in range(8) for x in write_script(profile, shots, language, seed).lines]
    known = {f"category={profile.category}"} | {f"{k}={v}" for k, tag in profile.tags.items()
                                                 if tag.confidence >= 0.5
                                                 for v in ([tag.value.text] if tag.value.HasField("text") else
                                                           list(tag.value.list.values) if tag.value.HasField("list")
                                                           else [str(tag.value.flag)])}
    own = {"trench": ("风衣", "trench coat"), "dress": ("连衣裙", "dress"),
           "hoodie": ("卫衣", "hoodie")}[profile.category]
    for word, fact in _vocabulary(language).items():
        if fact not in known and word not in own[language == "en"]:  # "coat" is part of "trench coat"
            assert not [x for x in spoken if _said(x, word, language)], (word, fact)
    # The lines say the profile's own things: its garment and, on the last line, a call to action.
    assert any(own[language == "en"] in x.lower() for x in texts), texts
    cta = ("链接", "下单", "购物车") if language == "zh" else ("tap", "shop", "cart")
    assert any(c in texts[-1].lower() for c in cta), texts[-1]
    assert not any(c in x.lower() for x in texts[:-1] for c in cta)


def test_no_pockets_never_mentioned_and_pockets_when_known(trench: t.ProductProfile, dress: t.ProductProfile) -> None:
    for seed in range(6):
        for language, word in (("en", "pocket"), ("zh", "口袋")):
            assert not any(word in x.text.lower() for x in write_script(dress, _shots(), language, seed).lines)
    said = [x.text.lower() for seed in range(6) for x in write_script(trench, _shots(), "en", seed).lines]
    assert any("pocket" in x for x in said)
    said = [x.text.lower() for seed in range(6) for x in write_script(dress, _shots(), "en", seed).lines]
    assert not any("silk" in x for x in said)  # the parser was unsure of it


def test_english_grammar(trench: t.ProductProfile) -> None:
    jeans = _profile("jeans", {"colour_family": ["blue"], "material": ["denim"], "fit": "slim"}, [])
    olive = _profile("coat", {"material": ["wool"]}, [("", "Warm wool", ["material"])])
    lines = [x.text for seed in range(8) for p in (trench, jeans, olive)
             for x in write_script(p, _shots(), "en", seed).lines]
    text = " ".join(lines)
    assert "navy wool trench coat" in text  # colour before material before noun
    assert not re.search(r"\ba [aeiou]", text.lower()) and not re.search(r"\ban [^aeiou\s]", text.lower())
    assert "this jeans" not in text.lower() and "a jeans" not in text.lower()
    assert "these" in text.lower() or "pair of" in text.lower() or "they" in text.lower()
    assert "denim jeans" not in text.lower()
    assert "an wool" not in text.lower() and ("a wool coat" in text.lower() or "this wool coat" in text.lower())


def test_chinese_measure_words(trench: t.ProductProfile, dress: t.ProductProfile) -> None:
    coat = " ".join(x.text for s in range(6) for x in write_script(trench, _shots(), "zh", s).lines)
    skirt = " ".join(x.text for s in range(6) for x in write_script(dress, _shots(), "zh", s).lines)
    assert "这件" in coat and "这条" not in coat
    assert "这条" in skirt and "这件" not in skirt


def test_seeds_are_deterministic_and_vary(trench: t.ProductProfile) -> None:
    for language in ("en", "zh"):
        a = [x.text for x in write_script(trench, _shots(), language, 1).lines]
        assert a == [x.text for x in write_script(trench, _shots(), language, 1).lines]
        for other in (2, 3, 4):
            b = [x.text for x in write_script(trench, _shots(), language, other).lines]
            assert sum(x != y for x, y in zip(a, b, strict=True)) >= 0.7 * len(a), (a, b)


def test_openings_differ(trench: t.ProductProfile) -> None:
    for language in ("en", "zh"):
        lines = [x.text for x in write_script(trench, _shots(), language, 5).lines]
        starts = [" ".join(x.lower().split()[:2]) if language == "en" else x[:2] for x in lines]
        assert len(set(starts)) == len(starts), lines


def test_short_shots_are_skipped_and_tight_shots_shortened(trench: t.ProductProfile) -> None:
    plan = [("full_body", 1.0), ("detail_closeup", 1.9), ("runway_walk", 0.8), ("turn", 9.0), ("full_body", 2.2)]
    script = write_script(trench, _shots(plan), "en", 3)
    indexes = [x.shot_index for x in script.lines]
    assert 0 not in indexes and 2 not in indexes and 3 in indexes and 4 in indexes
    for line in script.lines:
        assert line.estimated_s <= plan[line.shot_index][1] - LEAD_IN_S - TAIL_S
    line = next(x for x in script.lines if x.shot_index == 3)
    assert line.start_s == pytest.approx(1.0 + 1.9 + 0.8 + LEAD_IN_S)
    long_line = next(x for x in script.lines if x.shot_index == 3)
    assert len(long_line.text.split()) > len(script.lines[-1].text.split())  # richer where there is room


def test_bad_input_names_the_field(trench: t.ProductProfile) -> None:
    zh_points_only = _profile("", {}, [("百搭单品，衣橱必备", "", [])])
    del zh_points_only.tags["category"]
    assert write_script(zh_points_only, _shots(), "zh", 0).lines  # in zh it has something to say
    cases = [((trench, [], "en"), "shots"),
             ((trench, _shots([("full_body", 5.0)] * 3 + [("turn", 0.0)]), "en"), "shots[3].duration_s"),
             ((trench, _shots([("full_body", float("nan"))]), "en"), "shots[0].duration_s"),
             ((trench, _shots([("full_body", -2.0)]), "en"), "shots[0].duration_s"),
             ((trench, _shots(), "fr"), "language"),
             ((t.ProductProfile(language="en"), _shots(), "en"), "profile"),
             ((zh_points_only, _shots(), "en"), "profile")]
    for (profile, shots, language), field in cases:
        with pytest.raises(ScriptError) as e:
            write_script(profile, shots, language, 0)
        assert e.value.field == field


def test_language_defaults_to_the_profile(zh_only: t.ProductProfile, trench: t.ProductProfile) -> None:
    assert write_script(zh_only, _shots(), "", 0).language == "zh"
    trench.language = "mixed"
    assert write_script(trench, _shots(), "", 0).language == "en"


# ---- the LLM copywriter, against a real HTTP server ----------------------------------------


class _Copy(ThreadingHTTPServer):
    daemon_threads = True
    reply: object = None  # the content to answer with; a callable gets the request's messages
    delay_s = 0.0
    requests: list[dict[str, object]]
    release: threading.Event


class _Handler(BaseHTTPRequestHandler):
    server: _Copy

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        if self.server.delay_s:
            self.server.release.wait(self.server.delay_s)
        reply = self.server.reply
        content = reply(body["messages"]) if callable(reply) else reply
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up (the timeout test)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def copy_server() -> Iterator[_Copy]:
    server = _Copy(("127.0.0.1", 0), _Handler)
    server.requests, server.release = [], threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


def _writer(server: _Copy, timeout: str = "5") -> LlmCopywriter:
    settings = CopySettings.from_env({"CATWALK_COPY_URL": f"http://127.0.0.1:{server.server_address[1]}/v1",
                                      "CATWALK_COPY_MODEL": "copy-small", "CATWALK_COPY_API_KEY": "k-123",
                                      "CATWALK_COPY_TIMEOUT_S": timeout})
    assert settings is not None
    return LlmCopywriter(settings)


GOOD = ["Meet the navy wool trench.", "Flap pockets, up close.", "Watch it move.", "Clean from the back.",
        "A double-breasted front.", "Slim from head to toe.", "Wool that walks well.", "Tap the link to shop."]


def test_llm_lines_are_used_when_they_pass(copy_server: _Copy, trench: t.ProductProfile) -> None:
    copy_server.reply = "```json\n" + json.dumps(GOOD) + "\n```"
    script = write_script(trench, _shots(), "en", 0, copywriter=_writer(copy_server))
    assert script.source == "llm" and script.fallback_reason == ""
    assert [x.text for x in script.lines] == GOOD
    assert [x.shot_index for x in script.lines] == list(range(8))
    request = copy_server.requests[0]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer k-123"
    body = request["body"]
    assert isinstance(body, dict) and body["model"] == "copy-small"
    system = body["messages"][0]["content"]
    assert "navy" in system and "Warm, structured wool" in system and "at most" in system
    assert "silk" not in system


@pytest.mark.parametrize("reply,why", [
    (json.dumps([*GOOD[:-1], " ".join(["very"] * 40)]), "takes"),  # too long for its shot
    ("Sure! Here are your lines: 1. Meet the coat", "not JSON"),
    (json.dumps(GOOD[:5]), "asked for 8 lines, got 5"),
    (json.dumps([*GOOD[:7], GOOD[0]]), "repeats"),
    (json.dumps([*GOOD[:7], "点击链接购买"]), "not English"),
    (json.dumps([*GOOD[:7], "Cashmere soft. Tap to shop."]), "'cashmere'"),  # invented material
])
def test_llm_bad_lines_fall_back_with_a_reason(copy_server: _Copy, trench: t.ProductProfile, reply: str,
                                               why: str) -> None:
    copy_server.reply = reply
    script = write_script(trench, _shots(), "en", 0, copywriter=_writer(copy_server))
    assert script.source == "phrase_bank" and why in script.fallback_reason, script.fallback_reason
    assert [x.text for x in script.lines] == [x.text for x in write_script(trench, _shots(), "en", 0).lines]


def test_llm_timeout_falls_back_in_time(copy_server: _Copy, trench: t.ProductProfile) -> None:
    copy_server.reply, copy_server.delay_s = json.dumps(GOOD), 10.0
    began = time.monotonic()
    script = write_script(trench, _shots(), "zh", 0, copywriter=_writer(copy_server, timeout="0.5"))
    took = time.monotonic() - began
    assert script.source == "phrase_bank" and "0.5 s" in script.fallback_reason
    assert took < 2.0 and len(script.lines) == 8


def test_copy_settings_from_env() -> None:
    assert CopySettings.from_env({}) is None
    s = CopySettings.from_env({"CATWALK_COPY_URL": "http://h:8000/v1/", "CATWALK_COPY_MODEL": "m"})
    assert s == CopySettings("http://h:8000/v1", "m", "", 10.0)
    for env, field in (({"CATWALK_COPY_URL": "http://h/v1"}, "CATWALK_COPY_MODEL"),
                       ({"CATWALK_COPY_URL": "h:8000", "CATWALK_COPY_MODEL": "m"}, "CATWALK_COPY_URL"),
                       ({"CATWALK_COPY_URL": "http://h", "CATWALK_COPY_MODEL": "m", "CATWALK_COPY_TIMEOUT_S": "x"},
                        "CATWALK_COPY_TIMEOUT_S")):
        with pytest.raises(CopySettingsError) as e:
            CopySettings.from_env(env)
        assert e.value.field == field


def test_llm_pockets_for_a_dress_without_falls_back(copy_server: _Copy, dress: t.ProductProfile) -> None:
    lines = ["来看这条红色连衣裙。", "纯色设计，简约百搭。", "走起来很轻盈。", "转身看背面。", "两侧口袋很实用。",
             "中长款，优雅大方。", "夏天穿正好。", "点击链接购买。"]
    copy_server.reply = json.dumps(lines)
    script = write_script(dress, _shots(), "zh", 0, copywriter=_writer(copy_server))
    assert script.source == "phrase_bank" and "'口袋'" in script.fallback_reason
    lines[4] = "两侧的细节很实用。"
    copy_server.reply = json.dumps(lines)
    script = write_script(dress, _shots(), "zh", 0, copywriter=_writer(copy_server))
    assert script.source == "llm" and [x.text for x in script.lines] == lines
