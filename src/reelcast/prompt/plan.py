"""ScenePlan: how a prompt was understood; the single input every engine renders from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

PLAN_VERSION = "1"


@dataclass
class Entity:
    """Something that appears in the world: a character, animal, prop or place feature."""

    id: str  # unique within the plan, e.g. "player", "ball", "dog"
    archetype: str  # key in the engine vocabulary, e.g. "person", "basketball", "hoop", "dog"
    name: str | None = None  # proper name from the prompt ("Sora")
    count: int = 1
    attributes: dict[str, str] = field(default_factory=dict)  # colour, clothing, size…
    cameo: str | None = None  # @handle when the entity is a cameo
    source: str = ""  # the words of the prompt it came from


@dataclass
class Action:
    """Something an entity does; realised by the simulator, never by teleporting."""

    actor: str  # entity id
    verb: str  # vocabulary key: "shoot", "backflip", "walk", "run", "dance", "fall", "jump", "spin", …
    target: str | None = None  # entity id (the hoop for a shot)
    outcome: str | None = None  # "make" | "miss" | "land" | "fail" | None (let physics decide)
    start: float | None = None  # seconds; None = engine chooses
    end: float | None = None
    source: str = ""
    # extra parameters, e.g. {"rotations": 3.5} for a triple axel, {"on": "paddleboard"}, {"intensity": "hard"}
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Camera:
    """Camera set-up of one shot."""

    focal_length_mm: float = 35.0
    framing: str = "wide"  # wide | medium | close_up
    move: str = "static"  # static | pan | tilt | dolly | track | orbit | handheld | aerial | crane
    target: str | None = None  # entity id to keep in frame (None = primary target)
    shutter_angle: float = 180.0
    height: str = "eye"  # eye | low | high


# Share of the clip by which a dog at the space station is through its doors, where the prompt does not say (the
# compiler's outside/inside shots and the world's flight path both keep to it).
STATION_ENTRY_SHARE = 0.55


@dataclass
class Shot:
    """A continuous piece of the clip between two cuts; all shots share one world."""

    index: int
    start: float
    end: float
    description: str = ""
    title: str | None = None
    camera: Camera = field(default_factory=Camera)
    # per-shot overrides of the plan's Setting (None = same as plan.setting), e.g. "now inside the station"
    place: str | None = None
    indoor: bool | None = None
    gravity: float | None = None


@dataclass
class Setting:
    """Where and when the scene happens."""

    place: str = "studio"  # vocabulary key: "basketball_court", "ice_rink", "lake", "space_station", …
    time_of_day: str = "day"  # day | night | golden_hour | dusk | dawn
    indoor: bool = False
    weather: str = "clear"  # clear | overcast | rain | snow | fog
    gravity: float = 9.81  # m/s²; 0 for zero-g


@dataclass
class Style:
    """Look of the picture."""

    look: str = "cinematic"  # cinematic | anime | cartoon | noir | claymation
    grade: str | None = None  # palette words, e.g. "teal_orange", "warm", "cool"
    grain: float = 0.0  # 0..1
    vignette: float = 0.2  # 0..1
    halation: float = 0.0  # 0..1
    letterbox: bool = False
    motion_blur: bool = True  # from shutter angle
    slow_motion: bool = False


@dataclass
class DialogueLine:
    """One spoken line, synthesised with text-to-speech."""

    speaker: str  # entity id
    text: str
    language: str = "en"  # espeak-ng voice language code
    start: float | None = None


@dataclass
class SoundPlan:
    """What the soundtrack contains."""

    sfx: bool = True  # impact and motion sounds from the simulation
    ambience: str | None = None  # "crowd", "wind", "hum", "festival", "gym", "outdoors", …
    music: bool = True
    music_mood: str | None = None  # "retro", "calm", "tense", "melancholy", "upbeat", …
    dialogue: list[DialogueLine] = field(default_factory=list)


@dataclass
class ScenePlan:
    """Everything an engine needs to render a prompt; stored with each job."""

    prompt: str
    duration: float
    width: int
    height: int
    fps: int = 24
    version: str = PLAN_VERSION
    entities: list[Entity] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    shots: list[Shot] = field(default_factory=list)
    setting: Setting = field(default_factory=Setting)
    style: Style = field(default_factory=Style)
    sound: SoundPlan = field(default_factory=SoundPlan)
    cameos: list[str] = field(default_factory=list)  # @handles mentioned
    primary_target: str | None = None  # entity id the cameras favour
    unresolved: list[str] = field(default_factory=list)  # prompt phrases not understood
    notes: list[str] = field(default_factory=list)  # decisions the compiler made

    def entity(self, entity_id: str) -> Entity | None:
        """Return the entity with this id, if any."""
        return next((e for e in self.entities if e.id == entity_id), None)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScenePlan:
        """Rebuild a plan from `to_dict` output."""
        d = dict(data)
        d["entities"] = [Entity(**e) for e in d.get("entities", [])]
        d["actions"] = [Action(**a) for a in d.get("actions", [])]
        d["shots"] = [Shot(**{**s, "camera": Camera(**s.get("camera", {}))}) for s in d.get("shots", [])]
        d["setting"] = Setting(**d.get("setting", {}))
        d["style"] = Style(**d.get("style", {}))
        snd = dict(d.get("sound", {}))
        snd["dialogue"] = [DialogueLine(**x) for x in snd.get("dialogue", [])]
        d["sound"] = SoundPlan(**snd)
        return cls(**d)
