"""Spoken words: quoted lines, the language asked for, and generated lines when none are quoted."""

from __future__ import annotations

import re
import zlib

from reelcast.prompt.vocabulary import LANGUAGES, SPEECH_WORDS

_QUOTE_RE = re.compile(r"\"([^\"\n]{1,300})\"|“([^”\n]{1,300})”|「([^」\n]{1,300})」|『([^』\n]{1,300})』")

_LANG_NAMES = "|".join(sorted(LANGUAGES, key=len, reverse=True))
_SPEECH = "|".join(sorted(SPEECH_WORDS, key=len, reverse=True))
# "a conversation in japanese", "speaks korean", "japanese dialogue", "talking to each other in french"
_LANG_RE = re.compile(
    rf"\b(?:(?P<v1>{_SPEECH})\b[^.;\n]{{0,40}}?\bin\s+(?P<l1>{_LANG_NAMES})"
    rf"|(?P<v2>speaks?|speaking|says?|in)\s+(?:fluent\s+)?(?P<l2>{_LANG_NAMES})\b(?!\s+(?:style|anime|town|city))"
    rf"|(?P<l3>{_LANG_NAMES})[\s-]+(?:dialogue|dialog|conversation|voices?|lines|speech|speaking))\b",
    re.IGNORECASE,
)


def find_quotes(text: str) -> list[tuple[int, int, str]]:
    """Quoted passages as (start, end, text) character spans including the quote marks."""
    out = []
    for m in _QUOTE_RE.finditer(text):
        inner = next(g for g in m.groups() if g is not None).strip()
        if inner:
            out.append((m.start(), m.end(), inner))
    return out


def find_language(text: str) -> tuple[str, int, int] | None:
    """The spoken language the prompt asks for, as (espeak-ng code, span start, span end)."""
    for m in _LANG_RE.finditer(text):
        name = (m.group("l1") or m.group("l2") or m.group("l3")).lower()
        if m.group("v2") and m.group("v2").lower() == "in":
            # "in japanese" alone counts only near speech words ("…, in japanese")
            window = text[max(0, m.start() - 60):m.start()].lower()
            if not any(w in window for w in SPEECH_WORDS):
                continue
        return LANGUAGES[name], m.start(), m.end()
    return None


def script_language(text: str) -> str | None:
    """Guess the language of a quoted line from its script (kana → ja, hangul → ko, han → cmn, cyrillic → ru)."""
    if re.search(r"[\u3040-\u30ff]", text):
        return "ja"
    if re.search(r"[\uac00-\ud7af\u1100-\u11ff]", text):
        return "ko"
    if re.search(r"[\u4e00-\u9fff]", text):
        return "cmn"
    if re.search(r"[\u0400-\u04ff]", text):
        return "ru"
    return None


def is_vocalisation(text: str) -> bool:
    """A growl or grunt ("Rrhh—") rather than words."""
    letters = re.sub(r"[^A-Za-z]", "", text)
    if not letters or len(text.split()) > 2:
        return False
    return bool(re.fullmatch(r"(?i)[rhgmnaou]+", letters)) and not re.search(r"(?i)[ei]", letters)


# Short lines per language and mood, used when characters talk but the prompt quotes nothing.
PHRASES: dict[str, dict[str, list[str]]] = {
    "en": {
        "default": ["Look at that!", "I can't believe it.", "Come on, let's go.", "That was amazing."],
        "melancholy": ["It's beautiful, isn't it?", "I wish tonight could last.", "We can't stay like this.",
                       "I know. I know."],
        "upbeat": ["This is the best day ever!", "Did you see that?", "Again, again!", "Let's do it!"],
    },
    "ja": {
        "default": ["見て、すごいね。", "本当に？", "行こうよ。", "うん、そうだね。"],
        "melancholy": ["花火、きれいだね。", "でも、もうすぐ終わっちゃう。", "ずっとこのままでいたかった。",
                       "……うん。忘れないよ。"],
        "upbeat": ["わあ、楽しいね！", "見て見て！", "もう一回やろう！", "最高だね！"],
    },
    "ko": {
        "default": ["저것 좀 봐.", "정말이야?", "가자.", "응, 그렇네."],
        "melancholy": ["불꽃, 예쁘다.", "곧 끝나겠지.", "이대로 있고 싶었어.", "응. 잊지 않을게."],
        "upbeat": ["와, 재밌다!", "이것 봐!", "한 번 더 하자!", "최고야!"],
    },
    "cmn": {
        "default": ["你看。", "真的吗？", "我们走吧。", "是啊。"],
        "melancholy": ["烟花真美。", "可是快结束了。", "我想一直这样。", "嗯，我不会忘记。"],
    },
    "es": {
        "default": ["¡Mira eso!", "¿En serio?", "Vamos.", "Sí, claro."],
        "melancholy": ["Es precioso, ¿verdad?", "Ojalá esta noche no terminara.", "No podemos seguir así.",
                       "Lo sé."],
    },
    "fr": {
        "default": ["Regarde ça !", "C'est vrai ?", "Allons-y.", "Oui, bien sûr."],
        "melancholy": ["C'est beau, non ?", "J'aimerais que cette nuit dure.", "On ne peut pas rester ainsi.",
                       "Je sais."],
    },
    "de": {
        "default": ["Schau mal!", "Wirklich?", "Komm, gehen wir.", "Ja, genau."],
        "melancholy": ["Schön, nicht wahr?", "Wenn diese Nacht doch bliebe.", "So kann es nicht bleiben.",
                       "Ich weiß."],
    },
}


def generated_lines(language: str, mood: str | None, n: int, seed_text: str) -> list[str]:
    """`n` short plausible lines in `language` (English when the table has none), chosen deterministically."""
    table = PHRASES.get(language) or PHRASES["en"]
    lines = table.get(mood or "default") or table["default"]
    offset = zlib.crc32(seed_text.encode("utf-8")) % len(lines) if mood is None else 0
    return [lines[(offset + i) % len(lines)] for i in range(n)]
