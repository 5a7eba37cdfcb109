"""An optional copywriter: an OpenAI-compatible chat-completions endpoint writes the lines.

Off unless CATWALK_COPY_URL is set. The model is told the profile's facts only and each
shot's budget in words (en) or characters (zh), and asked for a JSON array of lines; every
failure (no answer in time, an HTTP error, no JSON array) is a CopyFailed, and the script
writer checks the lines themselves (count, fit, repeats, script) before it uses them.
httpx is not in the service environment, so this speaks HTTP with urllib.
"""

from __future__ import annotations

import json
import math
import re
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

from catwalk.errors import FieldError
from catwalk.media.script import CopyBrief, CopyFailed

DEFAULT_TIMEOUT_S = 10.0


class CopySettingsError(FieldError):
    """A CATWALK_COPY_* setting that cannot be used; `field` names the variable."""


@dataclass(frozen=True)
class CopySettings:
    url: str  # base URL, e.g. http://host:8000/v1
    model: str
    api_key: str = ""
    timeout_s: float = DEFAULT_TIMEOUT_S

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> CopySettings | None:
        """The settings from an environment mapping, or None when the copywriter is off
        (no CATWALK_COPY_URL)."""
        url = env.get("CATWALK_COPY_URL", "").strip()
        if not url:
            return None
        if not url.startswith(("http://", "https://")):
            raise CopySettingsError("CATWALK_COPY_URL", f"not an http(s) URL: {url!r}")
        model = env.get("CATWALK_COPY_MODEL", "").strip()
        if not model:
            raise CopySettingsError("CATWALK_COPY_MODEL", "required when CATWALK_COPY_URL is set")
        raw = env.get("CATWALK_COPY_TIMEOUT_S", "").strip()
        try:
            timeout = float(raw) if raw else DEFAULT_TIMEOUT_S
        except ValueError:
            raise CopySettingsError("CATWALK_COPY_TIMEOUT_S", f"not a number: {raw!r}") from None
        if not math.isfinite(timeout) or timeout <= 0:
            raise CopySettingsError("CATWALK_COPY_TIMEOUT_S", f"must be positive, got {raw!r}")
        return cls(url.rstrip("/"), model, env.get("CATWALK_COPY_API_KEY", "").strip(), timeout)


def budget_units(max_s: float, rate: float) -> int:
    """The most words (en) or characters (zh) a line may have to fit `max_s`, leaving room
    for a pause or two."""
    return max(1, int((max_s - 0.4) * rate))


def prompt(brief: CopyBrief) -> list[dict[str, str]]:
    unit = "Chinese characters" if brief.language == "zh" else "words"
    tongue = "Simplified Chinese" if brief.language == "zh" else "English"
    shots = "\n".join(f"{n + 1}. shot type {b.shot_type}: at most {budget_units(b.max_s, brief.speaking_rate)} {unit}"
                      for n, b in enumerate(brief.shots))
    system = (
        "You write voice-over lines for a short fashion try-on video, one line per shot, in "
        f"{tongue}. Use only these facts about the garment; never add a material, colour, pocket, "
        "feature or claim that is not listed.\n"
        "Facts:\n" + "\n".join(f"- {fact}" for fact in brief.facts) + "\n"
        "Each line suits its shot (full body: silhouette and fit; detail: material and details; walk: "
        "movement; turn: the back and the cut; pose: styling and occasion). No line repeats another; "
        "the last line ends with a call to action. Keep within each shot's length.\n"
        f"Shots:\n{shots}\n"
        f"Answer with a JSON array of exactly {len(brief.shots)} strings and nothing else."
    )
    return [{"role": "system", "content": system},
            {"role": "user", "content": f"Write the {len(brief.shots)} lines as a JSON array."}]


class LlmCopywriter:
    """Writes a script's lines through POST {url}/chat/completions."""

    def __init__(self, settings: CopySettings) -> None:
        self.settings = settings

    def write(self, brief: CopyBrief) -> list[str]:
        body = json.dumps({"model": self.settings.model, "messages": prompt(brief), "temperature": 0.7}).encode()
        headers = {"Content-Type": "application/json"}
        if self.settings.api_key:
            headers["Authorization"] = f"Bearer {self.settings.api_key}"
        request = urllib.request.Request(f"{self.settings.url}/chat/completions", body, headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout_s) as response:
                answer = json.loads(response.read())
        except TimeoutError:
            raise CopyFailed(f"the copywriter did not answer within {self.settings.timeout_s:g} s") from None
        except urllib.error.HTTPError as e:
            raise CopyFailed(f"the copywriter answered HTTP {e.code}") from None
        except urllib.error.URLError as e:
            if isinstance(e.reason, TimeoutError):
                raise CopyFailed(f"the copywriter did not answer within {self.settings.timeout_s:g} s") from None
            raise CopyFailed(f"the copywriter could not be reached: {e.reason}") from None
        except (OSError, ValueError) as e:
            raise CopyFailed(f"the copywriter's answer could not be read: {e}") from None
        return lines_from(answer)


def lines_from(answer: object) -> list[str]:
    """The JSON array of lines inside a chat-completions answer (a ```json fence allowed)."""
    try:
        content = answer["choices"][0]["message"]["content"]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        raise CopyFailed("the answer has no choices[0].message.content") from None
    if not isinstance(content, str):
        raise CopyFailed("the answer's content is not text")
    text = re.sub(r"^```(?:json)?\s*|\s*```$", "", content.strip())
    try:
        lines = json.loads(text)
    except ValueError:
        raise CopyFailed(f"the answer is not JSON: {content[:80]!r}") from None
    if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
        raise CopyFailed("the answer is not a JSON array of strings")
    return lines
