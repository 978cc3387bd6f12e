"""Compile a free-text prompt (basic, intermediate or the 11-section advanced format) into a ScenePlan."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from reelcast.prompt import vocabulary as V
from reelcast.prompt.dialogue import find_language, find_quotes, generated_lines, is_vocalisation, script_language
from reelcast.prompt.lexicon import correct_spelling, phrase_index
from reelcast.prompt.plan import STATION_ENTRY_SHARE, Action, Camera, DialogueLine, Entity, ScenePlan, Shot
from reelcast.prompt.sections import Section, parse_sections, section_at
from reelcast.prompt.semantic import semantic_matches
from reelcast.prompt.shots import ShotSpec, find_timecoded_shots, focal_lengths, is_single_shot, split_free_text, tile
from reelcast.prompt.text import Match, Token, tokenize, tokens_in

NEGATORS = {"no", "not", "without", "never", "non", "nor"}
_NEG_SKIP = {"a", "an", "the", "any", "in", "it", "make", "be", "is", "are", "use", "using", "with", "more"}
LATIN_LANGS = {"en", "es", "fr", "de", "it", "pt", "nl", "sv", "nb", "pl", "tr", "vi"}
ACCESSORIES = {"jet_pack", "helmet", "hat", "umbrella", "balloon", "lantern"}
OUTCOME_VERBS = {"shoot", "backflip", "frontflip", "spin_jump", "jump", "kick", "throw", "cartwheel"}
PREPOSITIONS = {"on": "on", "onto": "on", "off": "off", "towards": "toward", "toward": "toward", "into": "into",
                "at": "at", "around": "around", "through": "through", "past": "past", "over": "over",
                "from": "from", "to": "toward"}
BODY_PARTS = {"head", "back", "shoulder", "shoulders", "lap", "arm", "arms", "hand", "hands"}

_MEASURES: list[tuple[str, re.Pattern[str]]] = [
    ("shutter", re.compile(r"(\d{2,3})\s*(?:°|deg(?:ree)?s?)\s*shutter", re.I)),
    ("grain_pct", re.compile(r"grain[^.;%\n]{0,24}?~?\s*(\d{1,3})\s*%", re.I)),
    ("pct_grain", re.compile(r"~?(\d{1,3})\s*%\s*(?:film\s+)?grain", re.I)),
    ("duration", re.compile(r"(?<![\w./])(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds)\b(?!\s*(?:–|—|-|to)\s*\d)", re.I)),
    ("resolution", re.compile(r"\b(?:4k|8k|2k|uhd|1080p|720p|2160p)\b", re.I)),
    ("fps", re.compile(r"\b(\d{2,3})\s*fps\b", re.I)),
    ("aspect", re.compile(r"\b(\d(?:\.\d+)?)\s*:\s*1\b")),
    ("letterbox", re.compile(r"\b(?:letterbox(?:ed|ing)?|cinemascope|anamorphic widescreen)\b", re.I)),
    ("themed", re.compile(r"\b([a-z]+)-themed\b", re.I)),
    ("film_stock", re.compile(r"\b(?:35|16|65|70)\s?mm\s+film\b|\bfilm\s+stock\b|\bcelluloid\b", re.I)),
    ("halation", re.compile(r"\bhalation\b", re.I)),
    ("grain", re.compile(r"\b(?:film\s+)?grain(?:y)?\b", re.I)),
    ("vignette", re.compile(r"\bvignett(?:e|ing)\b", re.I)),
    ("motion_blur", re.compile(r"\bmotion[\s-]+blur\b", re.I)),
]
_AMOUNT_WORDS = {
    "very fine": 0.1, "fine": 0.15, "minimal": 0.1, "restrained": 0.15, "subtle": 0.15, "slight": 0.15,
    "light": 0.2, "gentle": 0.2, "soft": 0.2, "moderate": 0.35, "heavy": 0.6, "strong": 0.6, "thick": 0.6,
    "intense": 0.7, "lots of": 0.5,
}


@dataclass
class _Mention:
    token: int  # token index of the noun's first word
    entity: str  # entity id (or group id)


@dataclass
class _State:
    text: str
    duration: float
    fps: int
    tokens: list[Token]
    sections: list[Section]
    plan: ScenePlan
    used: set[int] = field(default_factory=set)  # token indices understood
    mentions: list[_Mention] = field(default_factory=list)
    groups: dict[str, list[str]] = field(default_factory=dict)  # a group id → member entity ids
    matches: list[Match] = field(default_factory=list)
    place_hits: list[tuple[Match, str]] = field(default_factory=list)
    shot_specs: list[ShotSpec] = field(default_factory=list)
    shot_times: list[tuple[float, float]] = field(default_factory=list)
    requested_language: str | None = None
    quotes: list[tuple[int, int, str]] = field(default_factory=list)
    shutter: float = 180.0

    def use_span(self, start: int, end: int) -> None:
        self.used.update(tokens_in(self.tokens, start, end))

    def use(self, m: Match) -> None:
        self.used.update(range(m.first, m.last))

    def section(self, pos: int) -> str | None:
        return section_at(self.sections, pos)

    def shot_of(self, pos: int) -> int:
        for i, s in enumerate(self.shot_specs):
            lo = s.marker[0] if s.marker else s.text_start
            if lo <= pos < s.text_end:
                return i
        return 0


def compile_prompt(prompt: str, seconds: float, width: int, height: int, fps: int = 24) -> ScenePlan:
    """Compile `prompt` into the ScenePlan an engine renders; the requested `seconds` always win."""
    duration = float(seconds)
    plan = ScenePlan(prompt=prompt, duration=duration, width=width, height=height, fps=fps)
    st = _State(prompt, duration, fps, tokenize(prompt), parse_sections(prompt), plan)
    if st.sections:
        plan.notes.append("advanced prompt: sections " + ", ".join(s.title for s in st.sections))
        for s in st.sections:
            st.use_span(s.header_start, s.body_start)
    _measures(st)
    _shot_structure(st)
    _quotes_and_language(st)
    fixes = correct_spelling(st.tokens, st.used)
    for typed, fixed in fixes:
        plan.notes.append(f"read '{typed}' as '{fixed}'")
    st.matches = phrase_index().scan(st.tokens, st.used)
    by_meaning, meaning_notes = semantic_matches(st.tokens, st.used, st.matches)
    if by_meaning:
        st.matches = sorted(st.matches + by_meaning, key=lambda m: (m.first, m.last))
        plan.notes.extend(meaning_notes)
    _negations(st)
    _setting(st)
    _entities(st)
    _actions(st)
    _look_and_sound(st)
    _shots(st)
    _dialogue(st)
    _primary_target(st)
    _unresolved(st)
    return plan


# --- measures: numbers with units ------------------------------------------------------------------------


def _amount_before(text: str, pos: int, default: float) -> float:
    window = text[max(0, pos - 24):pos].lower()
    for word, amount in sorted(_AMOUNT_WORDS.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"\b{word}\s*$|\b{word}\b[\w\s]{{0,10}}$", window):
            return amount
    return default


def _negated_text(text: str, pos: int) -> bool:
    window = text[max(0, pos - 14):pos].lower()
    return bool(re.search(r"\b(?:no|not|without|zero)\s+(?:\w+\s+)?$", window))


def _measures(st: _State) -> None:
    text, plan = st.text, st.plan
    style = plan.style
    grain_set = False
    for kind, rx in _MEASURES:
        for m in rx.finditer(text):
            if kind == "shutter":
                angle = float(m.group(1))
                style.motion_blur = angle > 0
                plan.notes.append(f"{angle:g}° shutter → motion blur")
                st.shutter = angle
            elif kind in ("grain_pct", "pct_grain"):
                style.grain = min(1.0, float(m.group(1)) / 100)
                grain_set = True
            elif kind == "grain":
                if grain_set:
                    st.use_span(m.start(), m.end())
                    continue
                if _negated_text(text, m.start()):
                    style.grain = 0.0
                else:
                    style.grain = _amount_before(text, m.start(), 0.25)
                grain_set = True
            elif kind == "film_stock":
                if not grain_set:
                    style.grain = 0.2
                    plan.notes.append("film stock named → light grain 0.2")
            elif kind == "duration":
                if st.section(m.start()) in (None, "format") and not _inside_paren(text, m.start()):
                    plan.notes.append(
                        f"prompt asks for {float(m.group(1)):g}s; the requested {st.duration:g}s is used"
                    )
                elif st.section(m.start()) not in (None, "format"):
                    continue
            elif kind == "resolution":
                plan.notes.append(f"'{m.group(0)}' resolution noted; the requested {plan.width}x{plan.height} "
                                  "is rendered")
            elif kind == "fps":
                plan.notes.append(f"'{m.group(0)}' noted; the clip renders at {plan.fps} fps")
            elif kind == "aspect":
                ratio = float(m.group(1))
                if ratio >= 2.0:
                    style.letterbox = True
                    plan.notes.append(f"{m.group(0)} aspect → letterbox")
            elif kind == "letterbox":
                style.letterbox = not _negated_text(text, m.start())
            elif kind == "themed":
                plan.notes.append(f"'{m.group(0)}' → theme '{m.group(1).lower()}' for the place's decoration")
            elif kind == "halation":
                style.halation = 0.0 if _negated_text(text, m.start()) else max(
                    style.halation, _amount_before(text, m.start(), 0.3)
                )
                # "halation minimal" (amount after the word)
                after = text[m.end():m.end() + 12].lower()
                for word, amount in _AMOUNT_WORDS.items():
                    if after.strip().startswith(word):
                        style.halation = amount
            elif kind == "vignette":
                style.vignette = 0.0 if _negated_text(text, m.start()) else _amount_before(text, m.start(), 0.4)
            elif kind == "motion_blur":
                style.motion_blur = not _negated_text(text, m.start())
            st.use_span(m.start(), m.end())
    # amount words in front of grain/halation were understood as amounts
    for rx in (re.compile(r"\b(?:very fine|fine|minimal|restrained|subtle|slight|heavy|strong)\s+(?=grain|halation)",
                          re.I),
               re.compile(r"(?<=halation)\s+(?:minimal|restrained|subtle|heavy|strong)\b", re.I)):
        for m in rx.finditer(text):
            st.use_span(m.start(), m.end())


def _inside_paren(text: str, pos: int) -> bool:
    return text.rfind("(", 0, pos) > text.rfind(")", 0, pos)


# --- shots ----------------------------------------------------------------------------------------------


def _shot_structure(st: _State) -> None:
    text, plan = st.text, st.plan
    shot_list = next((s for s in st.sections if s.key == "shot_list"), None)
    specs = find_timecoded_shots(text, (shot_list.body_start, shot_list.body_end) if shot_list else None)
    single = is_single_shot(text)
    if single:
        st.use_span(single.start(), single.end())
    if specs:
        plan.notes.append(f"shot list with {len(specs)} timecoded shot(s)")
    elif single:
        specs = [ShotSpec(None, None, 0, len(text))]
        plan.notes.append("single shot requested")
    else:
        specs = split_free_text(text)
        if len(specs) > 1:
            plan.notes.append(f"{len(specs)} shots from cut words in the prompt")
    max_shots = max(1, int(st.duration * st.fps) // 2)
    if len(specs) > max_shots:
        plan.notes.append(f"{len(specs)} shots do not fit {st.duration:g}s; kept the first {max_shots}")
        specs = specs[:max_shots]
    for s in specs:
        if s.marker:
            st.use_span(*s.marker)
    st.shot_specs = specs
    st.shot_times = tile(specs, st.duration, st.fps, plan.notes)


def _camera_for(st: _State, lo: int, hi: int, base: Camera) -> Camera:
    cam = Camera(
        focal_length_mm=base.focal_length_mm, framing=base.framing, move=base.move, target=base.target,
        shutter_angle=base.shutter_angle, height=base.height,
    )
    focals = focal_lengths(st.text, lo, hi)
    if focals:
        cam.focal_length_mm = focals[0][2]
        for a, b, _ in focals:
            st.use_span(a, b)
    best_move = -1
    framing_set = move_set = False
    for m in st.matches:
        if not (lo <= m.start < hi) or m.negated:
            continue
        if m.kind == "framing" and not framing_set:
            cam.framing = m.value
            framing_set = True
            st.use(m)
        elif m.kind == "move":
            pri = V.MOVE_PRIORITY[m.value]
            if not move_set or pri > best_move:
                cam.move, best_move, move_set = m.value, pri, True
                tgt = _mention_after(st, m.last, within=6, same_clause=True)
                if tgt:
                    cam.target = tgt
            st.use(m)
        elif m.kind == "height":
            cam.height = m.value
            st.use(m)
    if cam.move == "aerial" and cam.height == "eye":
        cam.height = "high"
    return cam


def _shots(st: _State) -> None:
    plan, text = st.plan, st.text
    base = Camera(shutter_angle=st.shutter)
    # camera words outside every shot's own text apply to all shots; with one shot, everything does
    if len(st.shot_specs) == 1 and st.shot_specs[0].start is None:
        base = _camera_for(st, 0, len(text), base)
        inside: list[tuple[int, int]] = []
    else:
        inside = [((s.marker[0] if s.marker else s.text_start), s.text_end) for s in st.shot_specs]
        outside = []
        pos = 0
        for a, b in sorted(inside):
            if a > pos:
                outside.append((pos, a))
            pos = max(pos, b)
        outside.append((pos, len(text)))
        for a, b in outside:
            base = _camera_for(st, a, b, base)
    shots: list[Shot] = []
    for i, (spec, (t0, t1)) in enumerate(zip(st.shot_specs, st.shot_times, strict=True)):
        lo = spec.marker[0] if spec.marker else spec.text_start
        cam = _camera_for(st, lo, spec.text_end, base) if inside else base
        desc = " ".join(text[spec.text_start:spec.text_end].split()).strip(" .;,—–-")
        shot = Shot(index=i, start=t0, end=t1, description=desc[:400], title=spec.title, camera=cam)
        if len(st.shot_specs) > 1:
            for m in st.matches:
                if not (lo <= m.start < spec.text_end) or m.negated:
                    continue
                if m.kind == "indoor":
                    shot.indoor = m.value
                elif m.kind == "gravity":
                    shot.gravity = m.value
                elif m.kind == "place" and shot.place is None:
                    shot.place = m.value
        shots.append(shot)
    if len(shots) > 1 and any(s.indoor is True for s in shots) and not any(s.indoor is False for s in shots):
        for s in shots:
            if s.indoor is None:
                s.indoor = False
        plan.notes.append("a later shot moves inside: earlier shots are outside")
    if len(shots) > 1:
        for s in shots:
            if s.place and s.gravity is None:
                s.gravity = V.PLACES[s.place].gravity if s.place in ("space", "space_station") else None
    plan.shots = _station_entry_shots(st, shots)



def _station_entry_shots(st: _State, shots: list[Shot]) -> list[Shot]:
    """A dog at the space station flies in from outside through its doors (the sim world's staging). One shot that
    says neither outside nor inside, and no "single shot" request, becomes the outside chase and then the inside
    set-up facing him: a single camera could only watch the doorway from one side (measured: a paraphrase of the
    seed prompt showed the door for 7 of its 8 seconds)."""
    plan = st.plan
    if (len(shots) != 1 or shots[0].indoor is not None or shots[0].title is not None or st.duration < 2.0
            or plan.setting.place != "space_station" or not any(e.archetype == "dog" for e in plan.entities)
            or is_single_shot(plan.prompt)):
        return shots
    base, cut = shots[0], round(STATION_ENTRY_SHARE * st.duration, 3)
    plan.notes.append(f"the dog flies into the station: outside until {cut:g}s, then inside")
    return [replace(base, index=0, end=cut, indoor=False, camera=replace(base.camera)),
            replace(base, index=1, start=cut, indoor=True, camera=replace(base.camera))]


# --- quotes, language -----------------------------------------------------------------------------------


def _quotes_and_language(st: _State) -> None:
    titles = {(s.title or "").strip() for s in st.shot_specs}
    for a, b, inner in find_quotes(st.text):
        st.use_span(a, b)
        if inner in titles:
            continue
        if st.section(a) == "sound" or is_vocalisation(inner):
            st.plan.notes.append(f"vocalisation '{inner}' left to the creature sound, not speech")
            continue
        st.quotes.append((a, b, inner))
    lang = find_language(st.text)
    if lang:
        st.requested_language = lang[0]
        st.use_span(lang[1], lang[2])
        # the speech words inside the phrase are still read as a "talk" action
        st.used.difference_update(
            t.index for t in st.tokens if lang[1] <= t.start < lang[2] and t.text in V.VERBS
        )


# --- negation ---------------------------------------------------------------------------------------------


def _negations(st: _State) -> None:
    toks = st.tokens
    for m in st.matches:
        j = m.first - 1
        steps = 0
        while j >= 0 and steps < 3 and toks[j].clause == toks[m.first].clause:
            w = toks[j].text
            if w in NEGATORS:
                # "but not the two protagonists" negates a feeling, not the people
                m.negated = m.kind != "noun" or w in ("no", "without")
                if m.negated:
                    st.used.add(j)
                break
            if w not in _NEG_SKIP:
                break
            j -= 1
            steps += 1


# --- setting ----------------------------------------------------------------------------------------------


def _setting(st: _State) -> None:
    plan = st.plan
    setting = plan.setting
    places = [(m, m.value) for m in st.matches if m.kind == "place" and not m.negated]
    implied = [
        m.value[0].place for m in st.matches if m.kind == "noun" and m.value[0].place and not m.value[0].context
    ]
    if places:
        best = max(places, key=lambda mp: (V.PLACE_PRIORITY.get(mp[1], 1), -mp[0].first))
        setting.place = best[1]
        for m, _ in places:
            st.use(m)
    elif implied:
        setting.place = implied[0]
        plan.notes.append(f"place '{implied[0]}' implied by the subject")
    else:
        plan.notes.append("no place named: studio stage")
    info = V.PLACES[setting.place]
    setting.indoor = info.indoor
    setting.gravity = info.gravity
    multi = len(st.shot_specs) > 1
    for m in st.matches:
        if m.negated:
            continue
        if m.kind == "indoor" and not multi:
            setting.indoor = m.value
            st.use(m)
        elif m.kind == "indoor":
            st.use(m)
        elif m.kind == "gravity":
            if not multi or setting.gravity != 0.0:
                setting.gravity = m.value if not multi else min(setting.gravity, m.value)
            st.use(m)
    times = [m for m in st.matches if m.kind == "time" and not m.negated]
    if times:
        setting.time_of_day = times[0].value
        for m in times:
            st.use(m)
    else:
        for m in st.matches:
            if m.kind == "noun" and m.value[0].archetype in V.IMPLIED_TIME:
                setting.time_of_day = V.IMPLIED_TIME[m.value[0].archetype]
                plan.notes.append(f"{m.phrase} → {setting.time_of_day}")
                break
        else:
            if setting.place in ("space", "space_station"):
                setting.time_of_day = "night"
                plan.notes.append("space: black starry sky")
    weather = [m for m in st.matches if m.kind == "weather" and not m.negated]
    if weather:
        setting.weather = weather[0].value
        for m in weather:
            st.use(m)
    st.place_hits = places


# --- entities ---------------------------------------------------------------------------------------------


def _number_before(st: _State, first: int) -> tuple[int | None, int]:
    """Count written before a noun ("2", "two", "many", "a pair of") and the index where the phrase starts."""
    toks = st.tokens
    j = first - 1
    hops = 0
    while j >= 0 and hops < 4 and toks[j].clause == toks[first].clause:
        w = toks[j].text
        if w.isdigit():
            st.used.add(j)
            return int(w), j
        for n in (3, 2, 1):
            if j - n + 1 < 0:
                continue
            phrase = " ".join(t.text for t in toks[j - n + 1:j + 1])
            if phrase in V.NUMBER_WORDS and phrase not in ("a", "an"):
                st.used.update(range(j - n + 1, j + 1))
                return V.NUMBER_WORDS[phrase], j - n + 1
        if w in V.STOP_WORDS and w not in V.ADJECTIVES:
            break
        j -= 1
        hops += 1
    return None, first


def _determiner(st: _State, first: int) -> str | None:
    j = first - 1
    while j >= 0 and (st.tokens[j].text in V.ADJECTIVES or j in st.used and st.tokens[j].text not in V.STOP_WORDS):
        j -= 1
    if j < 0:
        return None
    w = st.tokens[j].text
    if w in V.DEFINITE or st.tokens[j].possessive:
        return "definite"
    if w in V.INDEFINITE:
        return "indefinite"
    return None


def _new_id(plan: ScenePlan, base: str) -> str:
    base = re.sub(r"[^a-z0-9_]+", "_", base.lower()).strip("_") or "thing"
    if plan.entity(base) is None:
        return base
    k = 2
    while plan.entity(f"{base}_{k}") is not None:
        k += 1
    return f"{base}_{k}"


def _entities(st: _State) -> None:
    plan, toks = st.plan, st.tokens
    scene_places = {p for _, p in st.place_hits} | {plan.setting.place}
    items: list[tuple[int, Match | None, Token | None]] = [(m.first, m, None) for m in st.matches if m.kind == "noun"]
    items += [(t.index, None, t) for t in toks if t.text.startswith("@") and len(t.text) > 1]
    items.sort(key=lambda x: x[0])
    pending: dict[str, str] = {}
    pending_owner: str | None = None
    noun_positions = {m.first: m for m in st.matches if m.kind == "noun"}
    for pos, m, mention in items:
        if mention is not None:
            handle = mention.text
            eid = _new_id(plan, handle[1:])
            if handle not in plan.cameos:
                plan.cameos.append(handle)
                plan.entities.append(Entity(id=eid, archetype="person", cameo=handle, source=handle))
            else:
                eid = next(e.id for e in plan.entities if e.cameo == handle)
            st.used.add(pos)
            st.mentions.append(_Mention(pos, eid))
            continue
        assert m is not None
        noun, plural = m.value
        if m.negated:
            plan.notes.append(f"'no {m.phrase}': left out")
            st.use(m)
            continue
        if noun.context and noun.context not in scene_places:
            continue
        archetype = noun.archetype
        if archetype == "ball" and plan.setting.place in V.BALL_IN_CONTEXT:
            archetype = V.BALL_IN_CONTEXT[plan.setting.place]
        st.use(m)
        nxt = noun_positions.get(m.last)
        if (nxt is not None and not nxt.negated and toks[m.last - 1].sentence == toks[m.last].sentence
                and not toks[m.last - 1].possessive):
            # noun-noun compound: "astronaut golden retriever" → a dog dressed as an astronaut
            pending.update(noun.attributes)
            pending["modifier"] = m.phrase
            if toks[m.first - 1].possessive if m.first > 0 else False:
                pending_owner = _mention_before(st, m.first, within=1)
            continue
        count, phrase_start = _number_before(st, m.first)
        det = _determiner(st, phrase_start)
        attrs: dict[str, str] = {}
        j = phrase_start - 1
        while j >= 0 and toks[j].text in V.ADJECTIVES and j not in st.used:
            key, val = V.ADJECTIVES[toks[j].text]
            attrs.setdefault(key, val)
            st.used.add(j)
            j -= 1
        owner = pending_owner
        if owner is None and phrase_start > 0 and toks[phrase_start - 1].possessive:
            owner = _mention_before(st, phrase_start, within=1)
        if count is None:
            count = noun.count or (V.DEFAULT_PLURAL_COUNT if plural and noun.archetype not in V.MASS_NOUNS else 1)
        existing = [e for e in plan.entities if e.archetype == archetype and e.cameo is None]
        same_word = [e for e in existing if e.source.split()[-1:] == m.phrase.split()[-1:]]
        if existing and (det != "indefinite" or (same_word and plural)):
            ent = (same_word or existing)[-1]
            if count > 1 and ent.count == 1 and det != "definite":
                ent.count = count
        else:
            base_id = noun.id or (m.phrase.split()[-1] if archetype == "person" else noun.archetype)
            if plural and base_id.endswith("s") and archetype == "person" and noun.id is None:
                base_id = _singular(base_id)
            ent = Entity(id=_new_id(plan, base_id), archetype=archetype, count=count, source=m.phrase)
            plan.entities.append(ent)
            ent.attributes.update(noun.attributes)
        for k, v in {**attrs, **pending}.items():
            ent.attributes.setdefault(k, v)
        if owner and owner != ent.id:
            ent.attributes.setdefault("worn_by", owner)
        pending, pending_owner = {}, None
        # "named Sora" / "called Rocket"
        if m.last + 1 < len(toks) and toks[m.last].text in ("named", "called"):
            ent.name = st.text[toks[m.last + 1].start:toks[m.last + 1].end]
            st.used.update({m.last, m.last + 1})
        _relations(st, ent, m, phrase_start)
        st.mentions.append(_Mention(m.first, ent.id))
    _poses_and_filters(st)
    _split_groups(st)


def _poses_and_filters(st: _State) -> None:
    for m in st.matches:
        if m.kind == "pose" and not m.negated:
            who = next((mn.entity for mn in reversed(st.mentions)
                        if 0 < m.first - mn.token <= 12 and _entity_arch(st, mn.entity) == "person"), None)
            who = who or _mention_before(st, m.first, within=12, animate=True)
            if who:
                ent = st.plan.entity(who)
                if ent:
                    ent.attributes.setdefault("pose", m.value)
                    st.use(m)
        elif m.kind == "filter":
            st.plan.notes.append(f"lens filter '{m.phrase}' ({m.value}) noted")
            st.use(m)


def _singular(word: str) -> str:
    for sing, plur in V.IRREGULAR_PLURALS.items():
        if plur == word:
            return sing
    return word[:-1]


def _relations(st: _State, ent: Entity, m: Match, phrase_start: int) -> None:
    """"with a cat on her head", "with a tiny jet pack": attach the thing to the nearest animate entity."""
    toks = st.tokens
    j = m.last
    if j + 2 < len(toks) and toks[j].text == "on" and toks[j + 2].text in BODY_PARTS and toks[j].clause == toks[
        m.first
    ].clause:
        owner = _mention_before(st, m.first, within=40, animate=True, exclude=ent.id)
        if owner:
            ent.attributes["on"] = owner
            ent.attributes["position"] = toks[j + 2].text
            st.used.update({j, j + 1, j + 2})
            return
    before = phrase_start - 1
    while before >= 0 and (toks[before].text in ("a", "an", "the", "his", "her", "its", "their")
                           or toks[before].text in V.ADJECTIVES):
        before -= 1
    if before >= 0 and toks[before].text in ("with", "wearing", "in", "wears") and ent.archetype in ACCESSORIES:
        owner = _mention_before(st, m.first, within=20, animate=True, exclude=ent.id)
        if owner:
            ent.attributes.setdefault("worn_by", owner)
            st.used.add(before)


def _split_groups(st: _State) -> None:
    """Two to four people become separate characters (ids name_1, name_2, …) so each can act and speak."""
    plan = st.plan
    out: list[Entity] = []
    for e in plan.entities:
        if e.archetype == "person" and 2 <= e.count <= 4 and e.cameo is None:
            members = []
            for k in range(1, e.count + 1):
                member = Entity(id=f"{e.id}_{k}", archetype="person", attributes=dict(e.attributes),
                                source=e.source)
                members.append(member.id)
                out.append(member)
            st.groups[e.id] = members
            plan.notes.append(f"{e.count} × '{e.source}' → characters {', '.join(members)}")
        else:
            out.append(e)
    plan.entities = out


def _members(st: _State, eid: str) -> list[str]:
    return st.groups.get(eid, [eid])


def _entity_arch(st: _State, eid: str) -> str:
    ent = st.plan.entity(_members(st, eid)[0])
    return ent.archetype if ent else ""


def _mention_before(
    st: _State, pos: int, within: int, animate: bool = False, exclude: str | None = None,
    same_sentence: bool = False,
) -> str | None:
    for mn in reversed(st.mentions):
        if mn.token >= pos or pos - mn.token > within:
            continue
        if same_sentence and st.tokens[mn.token].sentence != st.tokens[pos].sentence:
            continue
        if exclude and mn.entity == exclude:
            continue
        if animate and _entity_arch(st, mn.entity) not in V.ANIMATE_ARCHETYPES:
            continue
        return mn.entity
    return None


def _mention_after(
    st: _State, pos: int, within: int, same_clause: bool = False, archetype: str | None = None,
    exclude: str | None = None,
) -> str | None:
    if pos >= len(st.tokens):
        return None
    for mn in st.mentions:
        if mn.token < pos or mn.token - pos > within:
            continue
        if st.tokens[mn.token].sentence != st.tokens[pos].sentence:
            continue
        if same_clause and st.tokens[mn.token].clause != st.tokens[pos].clause:
            continue
        if archetype and _entity_arch(st, mn.entity) != archetype:
            continue
        if exclude and mn.entity == exclude:
            continue
        return mn.entity
    return None


# --- actions ----------------------------------------------------------------------------------------------

_PRONOUNS = {"he", "she", "they", "him", "her", "it", "who", "them"}
_SKIP_BEFORE_VERB = {"is", "are", "was", "were", "then", "initially", "also", "can", "so", "and", "finally",
                     "suddenly", "to", "will", "just", "eventually", "now"}


# Verbs by which a small animal is carried on a person, and the animals small enough to be.
PERCH_VERBS = {"ride", "sit", "stand_on"}
PERCHING_ARCHETYPES = {"cat", "bird"}


def _perched(st: _State, m: Match, act: Action) -> bool:
    """"a cat rides on the head of a skater": the animal sits on that body part of the person (as "a skater with a
    cat on her head" says it), so it is an attachment, not an action."""
    toks, plan = st.tokens, st.plan
    actor = plan.entity(act.actor)
    if act.verb not in PERCH_VERBS or actor is None or actor.archetype not in PERCHING_ARCHETYPES:
        return False
    k = m.last  # (the token after the verb)
    if k + 1 < len(toks) and toks[k].text != "on" and toks[k + 1].text == "on":
        k += 1  # one word before "on" ("sits quietly on")
    if k < len(toks) and toks[k].text == "on":
        k += 1
    while k < len(toks) and toks[k].text in ("a", "an", "the", "his", "her", "its", "their"):
        k += 1
    if k >= len(toks) or toks[k].text not in BODY_PARTS:
        return False
    target = plan.entity(act.target) if act.target else None
    if target is None or target.archetype != "person":  # "a kitten sitting on her shoulder": the person before
        owner = _mention_before(st, m.first, within=30, animate=True, exclude=actor.id)
        target = plan.entity(owner) if owner else None
    if target is None or target.archetype != "person":
        return False
    actor.attributes["on"], actor.attributes["position"] = target.id, toks[k].text
    st.used.add(k)
    plan.notes.append(f"'{m.phrase} ... {toks[k].text}': the {actor.archetype} sits on the {target.id}'s "
                      f"{toks[k].text}")
    return True


def _shared_subject(st: _State, m: Match, prev: tuple[int, str] | None) -> str | None:
    """Coordinated verbs share their subject: in "X stands on Y and falls off" and in "X stands on Y, then falls
    off" (a clause that opens on its verb), X falls (not Y)."""
    toks = st.tokens
    j = m.first - 1
    while j >= 0 and toks[j].text in _SKIP_BEFORE_VERB - {"and"}:
        j -= 1
    if prev is None or j < 0 or toks[j].sentence != prev[0] or toks[m.first].sentence != prev[0]:
        return None
    if toks[j].text == "and" or toks[j].clause != toks[m.first].clause:
        return prev[1]
    return None


def _actor_for(st: _State, m: Match, verb: V.Verb) -> str | None:
    toks = st.tokens
    # an unknown noun right before the verb is its subject ("the doors opening", "the sheet falling away")
    j = m.first - 1
    while j >= 0 and toks[j].text in _SKIP_BEFORE_VERB:
        j -= 1
    mentioned = {mn.token for mn in st.mentions}
    if (j >= 0 and toks[j].sentence == toks[m.first].sentence and j not in st.used and j not in mentioned
            and toks[j].text not in V.STOP_WORDS and toks[j].text not in _PRONOUNS and toks[j].text.isalpha()):
        return None
    if verb.inanimate_actor:
        near = next((mn for mn in reversed(st.mentions) if 0 < m.first - mn.token <= 6), None)
        if near and toks[near.token].clause == toks[m.first].clause:
            return near.entity
        if near and toks[near.token].sentence == toks[m.first].sentence and _entity_arch(
            st, near.entity
        ) in V.ANIMATE_ARCHETYPES:
            return near.entity
    actor = _mention_before(st, m.first, within=30, animate=True, same_sentence=True)
    if actor:
        return actor
    j = m.first - 1
    while j >= 0 and toks[j].text in _SKIP_BEFORE_VERB:
        j -= 1
    if j >= 0 and toks[j].text in _PRONOUNS or j < 0 or toks[j].sentence != toks[m.first].sentence:
        return _mention_before(st, m.first, within=10_000, animate=True)
    return None


def _preposition_objects(st: _State, m: Match, actor: str) -> dict[str, str]:
    """Objects of prepositions right after a verb: "on a paddleboard", "off the backboard", "towards the station"."""
    toks = st.tokens
    out: dict[str, str] = {}
    j = m.last
    while j < len(toks) and j < m.last + 6 and toks[j].clause == toks[m.first].clause:
        w = toks[j].text
        key = PREPOSITIONS.get(w)
        if w in PREPOSITIONS and m.phrase.endswith(" " + w):
            key = None
        if key:
            ent = _mention_after(st, j + 1, within=4, same_clause=True, exclude=actor)
            if ent:
                out.setdefault(key, ent)
                st.used.add(j)
            else:
                place = next((p for mm, p in st.place_hits if j < mm.first <= j + 4), None)
                if place:
                    out.setdefault(key, place)
                    st.used.add(j)
        j += 1
    return out


def _actions(st: _State) -> None:
    plan = st.plan
    last_action: Action | None = None
    acted: set[tuple[str, str]] = set()
    prev_subject: tuple[int, str] | None = None  # (sentence, actor) of the last verb
    for m in sorted(st.matches, key=lambda x: x.first):
        if m.kind == "verb":
            verb: V.Verb = m.value
            if m.negated:
                plan.notes.append(f"'not {m.phrase}': action left out")
                st.use(m)
                continue
            actor = _shared_subject(st, m, prev_subject) or _actor_for(st, m, verb)
            if actor is None:
                continue
            prev_subject = (st.tokens[m.first].sentence, actor)
            st.use(m)
            for member in _members(st, actor):
                if (member, verb.verb) in acted:
                    continue
                acted.add((member, verb.verb))
                act = Action(actor=member, verb=verb.verb, source=m.phrase, attributes=dict(verb.attributes))
                preps = _preposition_objects(st, m, actor)
                if verb.needs_target:
                    tgt = None
                    if verb.default_target:
                        tgt = _mention_after(st, m.last, within=12, archetype=verb.default_target)
                    else:
                        at = preps.get("at")
                        if at is not None and plan.entity(at) is None and at not in st.groups:
                            # "catches a ball at the beach": the thing acted on, not the place it happens at
                            at = _mention_after(st, m.last, within=3, same_clause=True, exclude=actor) or at
                        tgt = preps.get("on") or preps.get("off") or at or _mention_after(
                            st, m.last, within=5, same_clause=True, exclude=actor
                        )
                        if tgt is None and m.last < len(st.tokens) and st.tokens[m.last].text in ("one", "it"):
                            tgt = _last_prop(st, m.first)
                            if tgt:
                                st.used.add(m.last)
                    if tgt is None and verb.default_target:
                        tgt = _ensure(st, verb.default_target, f"'{m.phrase}' needs a {verb.default_target}")
                    act.target = tgt if tgt is None or plan.entity(tgt) else _members(st, tgt)[0]
                if _perched(st, m, act):
                    continue
                for prop in verb.implies:
                    _ensure(st, prop, f"'{m.phrase}' needs a {prop}")
                for k, v in preps.items():
                    if v != act.target:
                        act.attributes.setdefault(k, _members(st, v)[0] if v in st.groups else v)
                _timing(st, m, act)
                if act.verb == "fall":
                    act.outcome = "fail"
                    support = next(
                        (a.target for a in plan.actions if a.actor == member and a.verb in ("stand_on", "ride")),
                        None,
                    )
                    if support and "off" not in act.attributes:
                        act.attributes["off"] = support
                plan.actions.append(act)
                last_action = act
        elif m.kind == "outcome":
            target = last_action
            if target is None or target.verb not in OUTCOME_VERBS:
                target = next((a for a in reversed(plan.actions) if a.verb in OUTCOME_VERBS), None)
            if target is None:
                continue
            target.outcome = m.value
            st.use(m)
        elif m.kind == "intensity" and last_action is not None:
            last_action.attributes["intensity"] = m.value
            st.use(m)
    # the supporting action ends in failure when its actor falls off
    for a in plan.actions:
        if a.verb == "fall" and "off" in a.attributes:
            for b in plan.actions:
                if b.actor == a.actor and b.verb in ("stand_on", "ride") and b.outcome is None:
                    b.outcome = "fail"
                    b.end = a.start
                    if b.start is None and a.start is not None:
                        b.start = 0.0
    for m in st.matches:
        if m.kind == "timing" and any(a.start is not None for a in plan.actions):
            st.use(m)


def _last_prop(st: _State, pos: int) -> str | None:
    """The most recent thing mentioned before `pos` ("grab one" prefers a group of many)."""
    for mn in reversed(st.mentions):
        ent = st.plan.entity(mn.entity)
        if mn.token < pos and ent and ent.count > 1 and ent.archetype not in V.ANIMATE_ARCHETYPES:
            return mn.entity
    for mn in reversed(st.mentions):
        if mn.token < pos and _entity_arch(st, mn.entity) not in V.ANIMATE_ARCHETYPES:
            return mn.entity
    return None


def _ensure(st: _State, archetype: str, why: str) -> str:
    ent = next((e for e in st.plan.entities if e.archetype == archetype), None)
    if ent is None:
        ent = Entity(id=_new_id(st.plan, archetype), archetype=archetype, source="(implied)")
        st.plan.entities.append(ent)
        st.plan.notes.append(f"added {archetype}: {why}")
    return ent.id


def _timing(st: _State, m: Match, act: Action) -> None:
    toks = st.tokens
    for t in st.matches:
        if t.kind != "timing":
            continue
        if toks[t.first].sentence == toks[m.first].sentence and t.value > 0:
            act.start = round(st.duration * t.value, 3)
            st.use(t)
            return
        if toks[t.first].sentence == toks[m.first].sentence and t.value == 0.0 and t.first < m.first:
            act.start = 0.0
            st.use(t)
            return
    if len(st.shot_specs) > 1:
        k = st.shot_of(m.start)
        act.start, act.end = st.shot_times[k]


# --- look and sound ----------------------------------------------------------------------------------------


def _look_and_sound(st: _State) -> None:
    plan = st.plan
    style, sound = plan.style, plan.sound
    looks: dict[str, int] = {}
    for m in st.matches:
        if m.kind == "look" and not m.negated:
            looks[m.value] = looks.get(m.value, 0) + 1
            st.use(m)
    if looks:
        non_default = {k: v for k, v in looks.items() if k != "cinematic"}
        pool = non_default or looks
        style.look = max(pool, key=lambda k: (pool[k], -list(looks).index(k)))
    grade_sections = {"grade", "finishing", "lighting"}
    grades = [
        m for m in st.matches if m.kind == "grade" and not m.negated
        and (not st.sections or st.section(m.start) in grade_sections)
    ]
    if grades:
        values = {m.value for m in grades}
        style.grade = next((v for k, v in V.GRADE_MIX.items() if k <= values), grades[0].value)
        for m in grades:
            st.use(m)
    elif style.look in V.LOOK_DEFAULT_GRADE:
        style.grade = V.LOOK_DEFAULT_GRADE[style.look]
    for m in st.matches:
        if m.kind == "slowmo":
            style.slow_motion = not m.negated
            plan.notes.append("slow motion off (asked for real time)" if m.negated else "slow motion on")
            st.use(m)
        elif m.kind == "realtime" and not m.negated:
            style.slow_motion = False
            st.use(m)
    # sound
    for m in st.matches:
        if m.kind == "music":
            if m.negated:
                sound.music = False
                plan.notes.append(f"'no {m.phrase}': music off")
            st.use(m)
    if re.search(r"\b(?:silent|no sound|without sound|no audio)\b", st.text, re.I):
        sound.music = False
        sound.sfx = False
        plan.notes.append("silent clip requested")
    moods = [m for m in st.matches if m.kind == "mood" and not m.negated]
    for m in st.matches:
        if m.kind == "mood":
            st.use(m)
    if moods and sound.music:
        sound.music_mood = moods[0].value
    amb = next((m for m in st.matches if m.kind == "ambience" and not m.negated), None)
    for m in st.matches:
        if m.kind == "ambience":
            st.use(m)
    sound.ambience = amb.value if amb else V.PLACES[plan.setting.place].ambience
    if plan.setting.weather == "rain" and amb is None:
        sound.ambience = "rain"


# --- dialogue -------------------------------------------------------------------------------------------


def _speakers(st: _State) -> list[str]:
    people = [e.id for e in st.plan.entities if e.archetype == "person"]
    return people or [e.id for e in st.plan.entities if e.archetype in V.ANIMATE_ARCHETYPES]


def _dialogue(st: _State) -> None:
    plan = st.plan
    sound = plan.sound
    lang = st.requested_language
    speakers = _speakers(st)
    talkers = [a.actor for a in plan.actions if a.verb in ("talk", "sing")]
    lines: list[DialogueLine] = []
    for i, (a, _b, inner) in enumerate(st.quotes):
        pos = next((t.index for t in st.tokens if t.start >= a), len(st.tokens))
        who = _mention_before(st, pos, within=40, animate=True)
        if who is None and pos < len(st.tokens):
            who = _mention_after(st, pos, within=6)
        if who is None:
            who = (talkers or speakers or [None])[i % max(1, len(talkers or speakers))]  # type: ignore[list-item]
        if who is None:
            who = _ensure(st, "person", "a quoted line needs a speaker")
        who = _members(st, who)[i % len(_members(st, who))]
        code = script_language(inner) or (lang if lang in LATIN_LANGS else None) or "en"
        lines.append(DialogueLine(speaker=who, text=inner, language=code))
    if not lines and (talkers or lang):
        voices = list(dict.fromkeys(talkers)) or speakers
        if voices:
            n = 2 if st.duration < 6 else 4
            mood = sound.music_mood if sound.music_mood in ("melancholy", "upbeat") else None
            texts = generated_lines(lang or "en", mood, n, plan.prompt)
            for i, text in enumerate(texts):
                lines.append(DialogueLine(speaker=voices[i % len(voices)], text=text, language=lang or "en"))
            plan.notes.append(
                f"no lines quoted: generated {n} short lines in '{lang or 'en'}' so the characters talk"
            )
            for v in voices:
                if not any(a.actor == v and a.verb == "talk" for a in plan.actions):
                    plan.actions.append(Action(actor=v, verb="talk", source="(dialogue)"))
    n = len(lines)
    for i, line in enumerate(lines):
        line.start = round(st.duration * (0.08 + 0.84 * i / max(1, n)), 3)
    sound.dialogue = lines
    # "close-up shots of the characters having a conversation" → shot / reverse shot between speakers
    voices = list(dict.fromkeys(line.speaker for line in lines))
    plural_shots = re.search(r"\b(?:close[\s-]?ups?|close[\s-]up\s+shots|shots)\b", plan.prompt, re.I)
    if (len(plan.shots) == 1 and len(voices) >= 2 and plural_shots and plan.shots[0].title is None
            and not is_single_shot(plan.prompt) and "shots" in plan.prompt.lower()):
        k = min(n, 4)
        specs = [ShotSpec(None, None, 0, 0) for _ in range(k)]
        times = tile(specs, st.duration, st.fps, plan.notes)
        base = plan.shots[0]
        plan.shots = [
            Shot(index=i, start=t0, end=t1, description=base.description,
                 camera=Camera(base.camera.focal_length_mm, base.camera.framing, base.camera.move,
                               voices[i % len(voices)], base.camera.shutter_angle, base.camera.height))
            for i, (t0, t1) in enumerate(times)
        ]
        plan.notes.append(f"conversation in '{base.camera.framing}' shots: {k} shots alternating speakers")
        if k == n:  # one line per shot: each starts just after the cut to its speaker, so it is said on camera
            for line, (t0, t1) in zip(lines, times, strict=True):
                line.start = round(t0 + min(0.3, 0.15 * (t1 - t0)), 3)


# --- primary target, unresolved --------------------------------------------------------------------------


def _primary_target(st: _State) -> None:
    plan = st.plan
    prim = next((s for s in st.sections if s.key == "primary_target"), None)
    cands = st.mentions
    if prim:
        inside = [mn for mn in st.mentions if prim.body_start <= st.tokens[mn.token].start < prim.body_end]
        cands = inside or st.mentions
    animate = [mn.entity for mn in cands if _entity_arch(st, mn.entity) in V.ANIMATE_ARCHETYPES]
    pick = (animate or [mn.entity for mn in cands] or [None])[0]
    plan.primary_target = _members(st, pick)[0] if pick else None


def _unresolved(st: _State) -> None:
    toks = st.tokens
    phrases: list[str] = []
    seen: set[str] = set()
    current: list[Token] = []

    def flush() -> None:
        if current:
            phrase = st.text[current[0].start:current[-1].end]
            phrase = " ".join(phrase.split()).strip(" '’\"")
            if phrase and phrase.lower() not in seen:
                seen.add(phrase.lower())
                phrases.append(phrase)
            current.clear()

    for t in toks:
        content = (
            t.index not in st.used
            and t.text not in V.STOP_WORDS
            and t.text not in V.STRUCTURE_WORDS
            and not re.fullmatch(r"[\d.°%]+[a-z]*|.", t.text)
        )
        if content and current and (current[-1].index != t.index - 1 or current[-1].clause != t.clause):
            flush()
        if content:
            current.append(t)
        else:
            flush()
    flush()
    st.plan.unresolved = phrases
