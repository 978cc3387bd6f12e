"""Word tables: prompt words and phrases → engine vocabulary keys (data only; add words here, not code).

Every phrase is written in lower case with single spaces; hyphens in prompts are read as spaces, so
"close up" also matches "close-up". Plural forms of nouns are generated automatically (see `plural_forms`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Noun:
    """A noun phrase that brings an entity into the scene."""

    archetype: str  # engine archetype key
    id: str | None = None  # entity id to use (default: last word of the phrase for people, else archetype)
    attributes: dict[str, str] = field(default_factory=dict)
    place: str | None = None  # place this noun implies when the prompt names none
    count: int | None = None  # nouns that carry their own count ("couple" → 2)
    context: str | None = None  # only an entity when the scene is at this place ("rim" needs a court)


# --- entities --------------------------------------------------------------------------------------------

_PERSON_WORDS: dict[str, dict[str, str]] = {
    "person": {},
    "man": {"gender": "male"},
    "woman": {"gender": "female"},
    "guy": {"gender": "male"},
    "dude": {"gender": "male"},
    "lady": {"gender": "female"},
    "girl": {"gender": "female", "age": "young"},
    "boy": {"gender": "male", "age": "young"},
    "kid": {"age": "child"},
    "child": {"age": "child"},
    "teenager": {"age": "young"},
    "teen": {"age": "young"},
    "adult": {},
    "student": {"age": "young"},
    "stuntman": {"gender": "male"},
    "acrobat": {},
    "player": {},
    "athlete": {},
    "skater": {},
    "dancer": {},
    "gymnast": {},
    "runner": {},
    "surfer": {},
    "rider": {},
    "character": {},
    "protagonist": {},
    "heroine": {"gender": "female"},
    "friend": {},
    "astronaut": {"outfit": "astronaut"},
    "pilot": {},
    "chef": {"outfit": "chef"},
    "knight": {"outfit": "armour"},
    "samurai": {"outfit": "samurai"},
    "ninja": {"outfit": "ninja"},
    "wizard": {"outfit": "robe"},
    "robot": {"material": "metal"},
}

NOUNS: dict[str, Noun] = {w: Noun("person", attributes=a) for w, a in _PERSON_WORDS.items()}
NOUNS.update(
    {
        "people": Noun("person", id="people", count=3),
        "couple": Noun("person", id="couple", count=2),
        "crowd": Noun("person", id="crowd", count=12),
        "basketball player": Noun("person", id="player", attributes={"sport": "basketball"},
                                  place="basketball_court"),
        "figure skater": Noun("person", id="skater", attributes={"sport": "figure_skating"}, place="ice_rink"),
        "ice skater": Noun("person", id="skater", attributes={"sport": "figure_skating"}, place="ice_rink"),
        "skateboarder": Noun("person", id="skater", attributes={"sport": "skateboarding"}),
        "tennis player": Noun("person", id="player", attributes={"sport": "tennis"}),
        "soccer player": Noun("person", id="player", attributes={"sport": "soccer"}),
        "football player": Noun("person", id="player", attributes={"sport": "soccer"}),
        # animals
        "dog": Noun("dog"),
        "doggo": Noun("dog"),
        "pup": Noun("dog", attributes={"age": "young"}),
        "puppy": Noun("dog", attributes={"age": "young"}),
        "hound": Noun("dog"),
        "golden retriever": Noun("dog", attributes={"breed": "golden_retriever"}),
        "retriever": Noun("dog", attributes={"breed": "golden_retriever"}),
        "labrador": Noun("dog", attributes={"breed": "labrador"}),
        "corgi": Noun("dog", attributes={"breed": "corgi"}),
        "husky": Noun("dog", attributes={"breed": "husky"}),
        "poodle": Noun("dog", attributes={"breed": "poodle"}),
        "shiba": Noun("dog", attributes={"breed": "shiba"}),
        "cat": Noun("cat"),
        "kitten": Noun("cat", attributes={"age": "young"}),
        "kitty": Noun("cat"),
        "tabby": Noun("cat", attributes={"pattern": "tabby"}),
        "horse": Noun("horse", place="field"),
        "pony": Noun("horse", attributes={"size": "small"}, place="field"),
        "stallion": Noun("horse", place="field"),
        "mare": Noun("horse", place="field"),
        "bird": Noun("bird"),
        "parrot": Noun("bird", attributes={"species": "parrot"}),
        "pigeon": Noun("bird", attributes={"species": "pigeon"}),
        "seagull": Noun("bird", attributes={"species": "gull"}),
        "owl": Noun("bird", attributes={"species": "owl"}),
        "dragon": Noun("dragon"),
        "wyvern": Noun("dragon"),
        # props
        "basketball": Noun("basketball", id="ball", place="basketball_court"),
        "tennis ball": Noun("tennis_ball"),
        "soccer ball": Noun("ball", attributes={"kind": "soccer"}),
        "football": Noun("ball", attributes={"kind": "soccer"}),
        "beach ball": Noun("ball", attributes={"kind": "beach"}),
        "ball": Noun("ball"),
        "hoop": Noun("hoop", place="basketball_court"),
        "basket": Noun("hoop", place="basketball_court", context="basketball_court"),
        "backboard": Noun("hoop", attributes={"part": "backboard"}, place="basketball_court"),
        "rim": Noun("hoop", attributes={"part": "rim"}, place="basketball_court", context="basketball_court"),
        "paddleboard": Noun("paddleboard", place="lake"),
        "paddle board": Noun("paddleboard", place="lake"),
        "sup board": Noun("paddleboard", place="lake"),
        "surfboard": Noun("surfboard", place="beach"),
        "skateboard": Noun("skateboard", place="city_street"),
        "jet pack": Noun("jet_pack"),
        "jetpack": Noun("jet_pack"),
        "jet back": Noun("jet_pack"),  # seed prompt spelling
        "rocket pack": Noun("jet_pack"),
        "helmet": Noun("helmet"),
        "hat": Noun("hat"),
        "cap": Noun("hat", attributes={"kind": "cap"}),
        "beanie": Noun("hat", attributes={"kind": "beanie"}),
        "box": Noun("box"),
        "crate": Noun("box"),
        "cardboard box": Noun("box", attributes={"material": "cardboard"}),
        "lantern": Noun("lantern"),
        "paper lantern": Noun("lantern", attributes={"material": "paper"}),
        "firework": Noun("fireworks", place="festival_town"),
        "fireworks": Noun("fireworks", place="festival_town"),
        "comet": Noun("comet"),
        "meteor": Noun("comet"),
        "asteroid": Noun("comet", attributes={"kind": "asteroid"}),
        "balloon": Noun("balloon"),
        "car": Noun("car"),
        "bicycle": Noun("bicycle"),
        "bike": Noun("bicycle"),
        "umbrella": Noun("umbrella"),
    }
)

# A basketball-court scene turns a plain "ball" into a basketball.
BALL_IN_CONTEXT: dict[str, str] = {"basketball_court": "basketball"}

# Nouns whose plural is the usual form and does not mean "several objects" beyond the default.
MASS_NOUNS = {"fireworks", "firework"}

IRREGULAR_PLURALS = {
    "man": "men",
    "woman": "women",
    "person": "people",
    "child": "children",
    "mare": "mares",
    "pony": "ponies",
    "puppy": "puppies",
    "kitty": "kitties",
    "husky": "huskies",
    "box": "boxes",
}

ANIMATE_ARCHETYPES = {"person", "dog", "cat", "horse", "bird", "dragon"}

# Adjectives copied onto the next entity as attributes.
ADJECTIVES: dict[str, tuple[str, str]] = {
    **{c: ("color", c) for c in (
        "red", "orange", "yellow", "green", "blue", "purple", "pink", "white", "black", "grey", "gray",
        "brown", "golden", "silver", "teal", "cyan", "amber",
    )},
    "tiny": ("size", "tiny"),
    "small": ("size", "small"),
    "little": ("size", "small"),
    "big": ("size", "large"),
    "large": ("size", "large"),
    "huge": ("size", "huge"),
    "giant": ("size", "huge"),
    "enormous": ("size", "huge"),
    "old": ("age", "old"),
    "young": ("age", "young"),
    "fluffy": ("texture", "fluffy"),
    "glowing": ("glow", "yes"),
}

# Body poses copied onto the nearest person or animal ("with legs spread").
POSES: dict[str, str] = {
    "legs spread": "legs_spread", "legs apart": "legs_spread", "arms outstretched": "arms_out",
    "arms out": "arms_out", "arms raised": "arms_up", "arms up": "arms_up", "crouching": "crouch",
    "crouched": "crouch", "kneeling": "kneel", "lying down": "lying",
}

# Lens filters: understood, noted, no field of their own (they must not read as weather: "Pro-Mist").
FILTERS: dict[str, str] = {
    "black pro mist": "pro_mist", "pro mist": "pro_mist", "glimmerglass": "diffusion",
    "diffusion filter": "diffusion", "circular polarizer": "polarizer", "polarizer": "polarizer",
    "polariser": "polarizer", "nd filter": "nd", "star filter": "star",
}

# --- places ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A place key with its defaults."""

    indoor: bool
    ambience: str | None
    gravity: float = 9.81


PLACES: dict[str, Place] = {
    "studio": Place(True, None),
    "basketball_court": Place(True, "gym"),
    "ice_rink": Place(True, "crowd"),
    "lake": Place(False, "lake"),
    "ocean": Place(False, "sea"),
    "beach": Place(False, "sea"),
    "space_station": Place(True, "hum", gravity=0.0),
    "space": Place(False, "hum", gravity=0.0),
    "festival_town": Place(False, "festival"),
    "fjord": Place(False, "wind"),
    "city_street": Place(False, "city"),
    "stadium": Place(False, "crowd"),
    "backyard": Place(False, "outdoors"),
    "forest": Place(False, "forest"),
    "field": Place(False, "outdoors"),
    "park": Place(False, "outdoors"),
    "desert": Place(False, "wind"),
    "mountain": Place(False, "wind"),
}

PLACE_WORDS: dict[str, str] = {
    "studio": "studio",
    "basketball court": "basketball_court",
    "court": "basketball_court",
    "gym": "basketball_court",
    "gymnasium": "basketball_court",
    "arena": "stadium",
    "ice rink": "ice_rink",
    "rink": "ice_rink",
    "skating rink": "ice_rink",
    "on the ice": "ice_rink",
    "lake": "lake",
    "pond": "lake",
    "river": "lake",
    "sea": "ocean",
    "ocean": "ocean",
    "waves": "ocean",
    "beach": "beach",
    "shore": "beach",
    "space station": "space_station",
    "spaceship": "space_station",
    "spacecraft": "space_station",
    "station": "space_station",
    "outer space": "space",
    "space": "space",
    "orbit": "space",
    "festival": "festival_town",
    "japanese town": "festival_town",
    "japanese village": "festival_town",
    "town": "festival_town",
    "village": "festival_town",
    "fjord": "fjord",
    "glacier": "fjord",
    "ice spires": "fjord",
    "spires": "fjord",
    "serac": "fjord",
    "seracs": "fjord",
    "serac field": "fjord",
    "city street": "city_street",
    "street": "city_street",
    "city": "city_street",
    "downtown": "city_street",
    "alley": "city_street",
    "stadium": "stadium",
    "backyard": "backyard",
    "garden": "backyard",
    "forest": "forest",
    "woods": "forest",
    "jungle": "forest",
    "field": "field",
    "meadow": "field",
    "pasture": "field",
    "farm": "field",
    "ranch": "field",
    "park": "park",
    "desert": "desert",
    "mountain": "mountain",
    "mountains": "mountain",
}

# When two place words appear, the more specific one wins (higher = more specific).
PLACE_PRIORITY: dict[str, int] = {
    "space_station": 5, "fjord": 4, "basketball_court": 4, "ice_rink": 4, "festival_town": 3,
    "stadium": 3, "lake": 3, "ocean": 3, "beach": 3, "city_street": 2, "forest": 2, "field": 2,
    "backyard": 2, "park": 2, "desert": 2, "mountain": 2, "space": 1, "studio": 0,
}

INDOOR_WORDS = {"inside": True, "indoors": True, "interior": True, "indoor": True,
                "outside": False, "outdoors": False, "exterior": False, "outdoor": False}

# --- actions ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verb:
    """A verb phrase → action key with fixed attributes."""

    verb: str
    attributes: dict[str, float | str] = field(default_factory=dict)
    needs_target: bool = False  # look for the object after the verb
    default_target: str | None = None  # archetype to add when the prompt names no target
    inanimate_actor: bool = False  # physics verbs: a ball can bounce
    implies: tuple[str, ...] = ()  # props the action cannot happen without (a shot needs a ball)


def _forms(base: str, *extra: str) -> list[str]:
    return [base, *extra]


_VERB_FORMS: list[tuple[list[str], Verb]] = [
    (["shoot", "shoots", "shooting", "shot at", "takes a shot", "take a shot", "taking a shot",
      "jump shot", "free throw", "three pointer", "layup", "lay up", "throws up a shot"],
     Verb("shoot", needs_target=True, default_target="hoop", implies=("basketball",))),
    (["dunk", "dunks", "dunking", "slam dunk"],
     Verb("shoot", {"style": "dunk"}, True, "hoop", implies=("basketball",))),
    (["backflip", "backflips", "back flip", "back flips", "backflipping", "flip", "flips"], Verb("backflip")),
    (["frontflip", "front flip", "front flips"], Verb("frontflip")),
    (["cartwheel", "cartwheels"], Verb("cartwheel")),
    (["walk", "walks", "walking", "walked", "stroll", "strolls", "strolling", "wander", "wanders", "wandering"],
     Verb("walk")),
    (["run", "runs", "running", "ran", "sprint", "sprints", "sprinting", "jog", "jogs", "jogging", "dash",
      "dashes"], Verb("run")),
    (["jump", "jumps", "jumping", "jumped", "leap", "leaps", "leaping", "hop", "hops"], Verb("jump")),
    (["dance", "dances", "dancing", "danced"], Verb("dance")),
    (["spin", "spins", "spinning", "twirl", "twirls", "pirouette", "pirouettes"], Verb("spin")),
    (["triple axel", "triple axle"], Verb("spin_jump", {"rotations": 3.5, "jump": "axel"})),
    (["double axel", "double axle"], Verb("spin_jump", {"rotations": 2.5, "jump": "axel"})),
    (["axel", "single axel"], Verb("spin_jump", {"rotations": 1.5, "jump": "axel"})),
    (["quad axel", "quadruple axel"], Verb("spin_jump", {"rotations": 4.5, "jump": "axel"})),
    (["triple lutz"], Verb("spin_jump", {"rotations": 3.0, "jump": "lutz"})),
    (["triple salchow"], Verb("spin_jump", {"rotations": 3.0, "jump": "salchow"})),
    (["triple toe loop"], Verb("spin_jump", {"rotations": 3.0, "jump": "toe_loop"})),
    (["quad", "quadruple jump"], Verb("spin_jump", {"rotations": 4.0})),
    (["kick", "kicks", "kicking", "kicked"], Verb("kick", needs_target=True)),
    (["roll", "rolls", "rolling", "rolled"], Verb("roll", inanimate_actor=True)),
    (["fall", "falls", "fell", "falling", "fall off", "falls off", "fell off", "falling off", "tumble",
      "tumbles", "tumbled", "wipe out", "wipes out", "wiped out"],
     Verb("fall")),
    (["stand on", "stands on", "standing on", "stood on", "balance on", "balances on", "balancing on",
      "balances standing on", "balancing standing on", "balance standing on"],
     Verb("stand_on", needs_target=True)),
    (["ride", "rides", "riding", "rode"], Verb("ride", needs_target=True)),
    (["levitate", "levitates", "levitating", "float", "floats", "floating", "hover", "hovers", "hovering",
      "drift", "drifts", "drifting"], Verb("float", inanimate_actor=True)),
    (["fly", "flies", "flying", "flew", "soar", "soars", "soaring", "glide", "glides", "gliding",
      "slicing past", "slices past", "slicing through", "threads"], Verb("fly", inanimate_actor=True)),
    (["propel", "propels", "propelling", "propelled", "jets", "blasts off", "thrusts"], Verb("propel")),
    (["bounce", "bounces", "bouncing", "bounced", "bounce off", "bounces off", "bouncing off",
      "rebound", "rebounds", "ricochets"], Verb("bounce", needs_target=True, inanimate_actor=True)),
    (["grab", "grabs", "grabbing", "catch", "catches", "catching", "fetch", "fetches", "pick up",
      "picks up"], Verb("grab", needs_target=True)),
    (["throw", "throws", "throwing", "toss", "tosses", "tossing"], Verb("throw", needs_target=True)),
    (["swim", "swims", "swimming"], Verb("swim")),
    (["sit", "sits", "sitting"], Verb("sit")),
    (["wave", "waves at", "waving"], Verb("wave")),
    (["skate", "skates", "skating"], Verb("skate")),
    (["paddle", "paddles", "paddling"], Verb("paddle")),
    (["surf", "surfs", "surfing"], Verb("surf")),
    (["bank", "banks", "banking", "turn", "turns", "turning"], Verb("turn")),
    (["talk", "talks", "talking", "chat", "chats", "chatting", "speak", "speaks", "speaking",
      "having a conversation", "have a conversation", "has a conversation", "conversation", "argue",
      "argues", "arguing", "whisper", "whispers", "whispering"], Verb("talk")),
    (["sing", "sings", "singing"], Verb("sing")),
    (["open", "opens", "opening", "opens up"], Verb("open", inanimate_actor=True)),
]

VERBS: dict[str, Verb] = {form: v for forms, v in _VERB_FORMS for form in forms}

# Outcome words: attach to the nearest preceding shoot (or other) action.
OUTCOMES: dict[str, str] = {
    "miss": "miss", "misses": "miss", "missed": "miss", "missing": "miss", "bricks": "miss",
    "airball": "miss", "misses the shot": "miss",
    "makes": "make", "made": "make", "makes it": "make", "makes the shot": "make", "make the shot": "make",
    "scores": "make", "scored": "make", "score": "make", "swish": "make", "swishes": "make",
    "sinks": "make", "sinks it": "make", "drains": "make", "nails it": "make",
    "lands": "land", "landed": "land", "lands it": "land", "sticks the landing": "land",
    "fails": "fail", "failed": "fail", "botches": "fail",
}

INTENSITY_WORDS: dict[str, str] = {
    "hard": "hard", "pretty hard": "hard", "really hard": "hard", "badly": "hard", "violently": "hard",
    "gently": "soft", "softly": "soft", "lightly": "soft",
}

# "in the end" → the action starts late in the clip (fraction of the duration)
TIMING_WORDS: dict[str, float] = {
    "in the end": 0.7, "at the end": 0.7, "finally": 0.7, "eventually": 0.65, "at last": 0.7,
    "initially": 0.0, "at first": 0.0, "at the start": 0.0, "at the beginning": 0.0,
    "halfway": 0.5, "midway": 0.5, "suddenly": 0.4,
}

# --- look ------------------------------------------------------------------------------------------------

LOOKS: dict[str, str] = {
    "anime": "anime", "japanese anime": "anime", "japanese animation": "anime", "sakuga": "anime",
    "manga": "anime", "cel shaded": "anime", "cel shading": "anime", "hand drawn": "anime",
    "hand drawn animation": "anime", "studio ghibli": "anime", "ghibli": "anime",
    "cartoon": "cartoon", "3d cartoon": "cartoon", "3d animation": "cartoon", "pixar": "cartoon",
    "animated": "cartoon", "cgi cartoon": "cartoon",
    "noir": "noir", "film noir": "noir",
    "cinematic": "cinematic", "realistic": "cinematic", "photoreal": "cinematic", "photorealistic": "cinematic",
    "live action": "cinematic", "hyperrealistic": "cinematic", "documentary": "cinematic",
    "claymation": "claymation", "clay": "claymation", "stop motion": "claymation", "plasticine": "claymation",
}
LOOK_DEFAULT_GRADE: dict[str, str] = {"noir": "monochrome"}

GRADES: dict[str, str] = {
    "teal and orange": "teal_orange", "teal orange": "teal_orange", "orange and teal": "teal_orange",
    "warm": "warm", "amber": "warm", "golden tones": "warm", "sepia": "sepia",
    "cool": "cool", "cold": "cool", "steel blue": "cool", "icy": "cool", "blue tones": "cool",
    "black and white": "monochrome", "monochrome": "monochrome", "b&w": "monochrome", "grayscale": "monochrome",
    "pastel": "pastel", "pastels": "pastel", "vivid": "vivid", "saturated": "vivid", "neon": "vivid",
    "desaturated": "desaturated", "muted": "desaturated", "bleach bypass": "desaturated",
}
# grade words that mix into teal_orange when both families appear
GRADE_MIX = {frozenset({"warm", "cool"}): "teal_orange"}

TIMES_OF_DAY: dict[str, str] = {
    "day": "day", "daytime": "day", "morning": "day", "noon": "day", "midday": "day", "afternoon": "day",
    "daylight": "day", "sunny": "day",
    "night": "night", "nighttime": "night", "midnight": "night", "night sky": "night", "moonlight": "night",
    "moonlit": "night", "starry": "night",
    "golden hour": "golden_hour", "sunset": "golden_hour", "late afternoon": "golden_hour",
    "low sun": "golden_hour", "magic hour": "golden_hour",
    "dusk": "dusk", "twilight": "dusk", "evening": "dusk", "blue hour": "dusk",
    "dawn": "dawn", "sunrise": "dawn", "daybreak": "dawn",
}
# things that only happen at a time of day when the prompt names none
IMPLIED_TIME: dict[str, str] = {"fireworks": "night", "lantern": "night"}

WEATHER: dict[str, str] = {
    "clear": "clear", "clear sky": "clear",
    "overcast": "overcast", "cloudy": "overcast", "grey sky": "overcast", "gloomy": "overcast",
    "rain": "rain", "rainy": "rain", "raining": "rain", "drizzle": "rain", "storm": "rain", "stormy": "rain",
    "downpour": "rain",
    "falling snow": "snow", "snowy": "snow", "snowing": "snow", "snowfall": "snow", "blizzard": "snow",
    "fog": "fog", "foggy": "fog", "mist": "fog", "misty": "fog",
}

GRAVITY_WORDS: dict[str, float] = {
    "zero gravity": 0.0, "zero g": 0.0, "weightless": 0.0, "weightlessness": 0.0, "microgravity": 0.0,
    "no gravity": 0.0, "low gravity": 1.62, "on the moon": 1.62, "lunar": 1.62, "on mars": 3.71,
}

# --- sound -----------------------------------------------------------------------------------------------

MOODS: dict[str, str] = {
    "retro": "retro", "retro future": "retro", "retrofuture": "retro", "retro futuristic": "retro",
    "synthwave": "retro", "chiptune": "retro", "80s": "retro", "8 bit": "retro", "vaporwave": "retro",
    "melancholy": "melancholy", "melancholic": "melancholy", "sad": "melancholy", "bittersweet": "melancholy",
    "somber": "melancholy", "sombre": "melancholy", "wistful": "melancholy", "nostalgic": "melancholy",
    "happy": "upbeat", "joyful": "upbeat", "cheerful": "upbeat", "upbeat": "upbeat", "fun": "upbeat",
    "pop": "upbeat", "dance music": "upbeat", "edm": "upbeat", "rock": "upbeat", "energetic": "upbeat",
    "epic": "epic", "heroic": "epic", "orchestral": "epic", "triumphant": "epic", "majestic": "epic",
    "calm": "calm", "peaceful": "calm", "serene": "calm", "relaxing": "calm", "lofi": "calm", "lo fi": "calm",
    "ambient": "calm", "piano": "calm", "gentle": "calm", "tranquil": "calm", "cozy": "calm",
    "tense": "tense", "suspense": "tense", "suspenseful": "tense", "scary": "tense", "horror": "tense",
    "ominous": "tense", "thriller": "tense", "dramatic": "tense",
    "playful": "upbeat", "whimsical": "upbeat", "silly": "upbeat", "quirky": "upbeat", "jazz": "upbeat",
    "romantic": "calm", "tender": "calm",
}
MUSIC_WORDS = {"music", "score", "soundtrack", "song", "melody", "tune", "bgm"}

AMBIENCE_WORDS: dict[str, str] = {
    "wind": "wind", "windy": "wind", "wind shear": "wind", "crowd": "crowd", "cheering": "crowd",
    "applause": "crowd", "rain sounds": "rain", "waves crashing": "sea", "birdsong": "outdoors",
    "traffic": "city", "hum": "hum", "humming": "hum",
}

# --- camera ----------------------------------------------------------------------------------------------

FRAMINGS: dict[str, str] = {
    "wide": "wide", "wide shot": "wide", "wide angle": "wide", "establishing shot": "wide",
    "long shot": "wide", "full shot": "wide", "extreme wide": "wide",
    "medium": "medium", "medium shot": "medium", "mid shot": "medium", "waist up": "medium",
    "medium close up": "close_up",
    "close up": "close_up", "close ups": "close_up", "closeup": "close_up", "closeups": "close_up",
    "close shot": "close_up", "extreme close up": "close_up", "tight shot": "close_up", "portrait": "close_up",
}

# move key → priority (a shot names several words; the most telling wins)
MOVES: dict[str, str] = {
    "static": "static", "locked off": "static", "tripod": "static", "still camera": "static",
    "pan": "pan", "pans": "pan", "panning": "pan", "whip pan": "pan",
    "tilt": "tilt", "tilts": "tilt", "tilting": "tilt",
    "dolly": "dolly", "dolly in": "dolly", "dolly out": "dolly", "push in": "dolly", "pushes in": "dolly",
    "push": "dolly", "micro push": "dolly", "pull back": "dolly", "pulls back": "dolly", "pull out": "dolly",
    "zoom": "dolly", "zooms": "dolly", "eases closer": "dolly", "moves closer": "dolly",
    "track": "track", "tracks": "track", "tracking": "track", "tracking shot": "track",
    "alongside": "track", "follows": "track", "following": "track", "follow cam": "track",
    "we pace": "track", "parallel tracking": "track", "parallel track": "track", "trucking": "track",
    "orbit": "orbit", "orbits": "orbit", "orbiting": "orbit", "circles around": "orbit", "360": "orbit",
    "handheld": "handheld", "hand held": "handheld", "shaky": "handheld", "shaky cam": "handheld",
    "aerial": "aerial", "drone": "aerial", "drone shot": "aerial", "birds eye": "aerial", "flyover": "aerial",
    "crane": "crane", "jib": "crane", "boom": "crane", "crane shot": "crane",
}
MOVE_PRIORITY: dict[str, int] = {
    "track": 8, "orbit": 7, "crane": 6, "aerial": 5, "dolly": 4, "pan": 3, "tilt": 2, "handheld": 1,
    "static": 0,
}
CAMERA_HEIGHTS: dict[str, str] = {
    "low angle": "low", "low shot": "low", "worm's eye": "low", "worms eye": "low",
    "high angle": "high", "overhead": "high", "top down": "high", "bird's eye": "high", "mid altitude": "high",
}

# --- words that steer the compiler but map to no field of their own -------------------------------------

CUT_PHRASES = [
    "cut to", "cuts to", "smash cut to", "hard cut to", "the shot then changes", "the shot changes",
    "shot changes", "next shot", "new shot", "switch to", "the scene changes", "scene changes",
    "the camera cuts to", "we cut to", "then cut to", "transition to",
]
# "Then" at a sentence start opens a new shot only when one of these follows within a few words.
THEN_SHOT_WORDS = {"close", "closeup", "wide", "medium", "shot", "angle", "camera", "we", "cut", "aerial",
                   "overhead", "tracking", "back"}
SINGLE_SHOT_PHRASES = ["single shot", "one shot", "1 shot", "one take", "single take", "oner", "continuous shot"]

SLOW_MOTION = ["slow motion", "slowmo", "slow mo", "slo mo", "slomo", "in slow motion", "slowed down"]
REAL_TIME = ["real time", "realtime", "normal speed", "full speed"]

# Words that structure a prompt but carry no content of their own (never reported as unresolved).
STRUCTURE_WORDS = {
    "scene", "video", "clip", "shot", "shots", "style", "prompt", "camera", "frame", "image", "background",
    "foreground", "visible", "clearly", "make", "makes", "also", "film", "footage", "view", "looks", "look",
    "feel", "feels", "vibe", "vibes", "realism", "quality", "detailed", "details", "detail", "high",
    "beautiful", "gorgeous", "stunning", "amazing", "plays", "playing", "features", "featuring",
    "shows", "showing", "show", "then", "now", "middle", "we", "see", "sees", "does", "performs", "perform",
    "doing", "end", "start", "sky", "world", "read", "caliber", "fluid", "highlights", "mids", "midtones",
    "shadows", "purpose", "filtration", "hero", "notes", "note", "lens", "lenses", "first",
}

STOP_WORDS = {
    "a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "by", "for", "with", "from",
    "into", "onto", "over", "under", "through", "around", "about", "above", "below", "across", "along",
    "between", "behind", "beyond", "near", "off", "out", "up", "down", "as", "than", "so", "too", "very",
    "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "having", "do", "does",
    "did", "can", "could", "will", "would", "should", "may", "might", "must", "shall", "it", "its", "it's",
    "he", "him", "his", "she", "her", "hers", "they", "them", "their", "theirs", "we", "us", "our", "you",
    "your", "i", "me", "my", "this", "that", "these", "those", "there", "here", "who", "whom", "which",
    "what", "when", "where", "while", "why", "how", "all", "any", "each", "every", "some", "such", "no",
    "not", "only", "own", "same", "other", "another", "just", "again", "once", "then", "now", "if",
    "because", "until", "against", "during", "before", "after", "both", "few", "more", "most", "many",
    "much", "several", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "pretty", "really", "quite", "rather", "somewhat", "slightly", "slight", "let", "lets",
    "towards", "toward", "within", "without", "upon", "via", "per", "like", "also", "even", "yet", "still",
    "himself", "herself", "itself", "themselves", "get", "gets", "got", "n/a", "s", "t", "ll",
    "though", "although", "however", "whose", "far", "way", "away", "back", "front", "top", "bottom",
    "side", "sides", "together", "extremely", "super", "lot", "lots",
}

NUMBER_WORDS: dict[str, int] = {
    "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "pair of": 2, "a pair of": 2, "couple of": 2,
    "a couple of": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "dozen": 12, "a dozen": 12, "dozens of": 24, "several": 3, "a few": 3, "few": 3,
    "many": 12, "lots of": 12, "a lot of": 12, "countless": 30, "hundreds of": 40, "some": 3, "both": 2,
}
DEFAULT_PLURAL_COUNT = 3

DEFINITE = {"the", "his", "her", "its", "their", "that", "this", "these", "those", "my", "our", "your"}
INDEFINITE = {"a", "an", "another", "some", "one"}

# Spoken languages → espeak-ng voice codes.
LANGUAGES: dict[str, str] = {
    "english": "en", "japanese": "ja", "korean": "ko", "chinese": "cmn", "mandarin": "cmn",
    "cantonese": "yue", "spanish": "es", "french": "fr", "german": "de", "italian": "it",
    "portuguese": "pt", "russian": "ru", "hindi": "hi", "arabic": "ar", "dutch": "nl", "swedish": "sv",
    "norwegian": "nb", "polish": "pl", "turkish": "tr", "vietnamese": "vi", "thai": "th",
}
SPEECH_WORDS = {
    "speak", "speaks", "speaking", "talk", "talks", "talking", "conversation", "dialogue", "dialog",
    "chat", "chatting", "says", "say", "saying", "said", "whisper", "whispers", "whispering", "voice",
    "voices", "lines", "sing", "sings", "singing", "argue", "arguing", "shout", "shouts", "yell", "yells",
}


def plural_forms(word: str) -> list[str]:
    """Return plural spellings of a noun phrase (only the last word is inflected)."""
    head, _, last = word.rpartition(" ")
    prefix = f"{head} " if head else ""
    if last in IRREGULAR_PLURALS:
        return [prefix + IRREGULAR_PLURALS[last]]
    if last.endswith(("s", "x", "ch", "sh")):
        return [prefix + last + "es"]
    if last.endswith("y") and last[-2:-1] not in "aeiou":
        return [prefix + last[:-1] + "ies"]
    return [prefix + last + "s"]
