"""Pure rules for video requests: sizes, durations, model profiles and quotas."""

from __future__ import annotations

from dataclasses import dataclass

SIZES: tuple[str, ...] = ("720x1280", "1280x720", "1024x1792", "1792x1024", "480x854", "854x480")
SECONDS: tuple[str, ...] = ("4", "8", "12", "16", "20")
MAX_EXTENDED_SECONDS = 25
DEFAULT_SIZE = "720x1280"
DEFAULT_SECONDS = "4"
DEFAULT_MODEL = "sora-2"
MAX_PROMPT_CHARS = 8000


@dataclass(frozen=True)
class ModelProfile:
    """An engine profile a model name resolves to."""

    id: str
    engine: str
    quality: str  # render tier: fast | high | auto
    description: str
    model_key: str = ""  # engine-specific model (the diffusers engine: the weights sub-directory)


PROFILES: dict[str, ModelProfile] = {
    "sim": ModelProfile("sim", "sim", "auto", "Deterministic world simulator (default profile)."),
    "sim-hq": ModelProfile("sim-hq", "sim", "high", "World simulator, high-quality render tier."),
    "wan-t2v": ModelProfile("wan-t2v", "diffusers", "auto", "Wan 2.x text-to-video on a GPU worker (local weights).",
                            "wan-t2v"),
    "wan-t2v-hq": ModelProfile("wan-t2v-hq", "diffusers", "high", "Wan 2.x text-to-video at its largest trained "
                               "resolution (720p; needs the 14B weights).", "wan-t2v"),
    "wan-i2v": ModelProfile("wan-i2v", "diffusers", "auto", "Wan 2.x image-to-video (needs input_reference).",
                            "wan-i2v"),
    "ltx-video": ModelProfile("ltx-video", "diffusers", "auto", "LTX-Video text- and image-to-video on a GPU "
                              "worker (local weights).", "ltx-video"),
}

MODEL_ALIASES: dict[str, str] = {
    "sora-2": "sim",
    "sora-2-2025-10-06": "sim",
    "sora-2-2025-12-08": "sim",
    "sora-2-pro": "sim-hq",
    "sora-2-pro-2025-10-06": "sim-hq",
}


class RuleError(ValueError):
    """A request broke a rule; `param` names the offending field."""

    def __init__(self, message: str, param: str | None = None, code: str = "invalid_value") -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code


def resolve_model(name: str | None) -> tuple[str, ModelProfile]:
    """Return the model name to echo back and the profile it runs on."""
    model = name or DEFAULT_MODEL
    profile_id = MODEL_ALIASES.get(model, model)
    if profile_id not in PROFILES:
        known = ", ".join([*MODEL_ALIASES, *PROFILES])
        raise RuleError(f"Unknown model '{model}'. Supported models: {known}.", param="model")
    return model, PROFILES[profile_id]


def parse_size(size: str | None, extra_sizes: tuple[str, ...] = ()) -> tuple[str, int, int]:
    """Validate a `WxH` size and return it with its width and height."""
    value = (size or DEFAULT_SIZE).strip()
    allowed = SIZES + tuple(extra_sizes)
    if value not in allowed:
        raise RuleError(f"Invalid size '{value}'. Supported sizes: {', '.join(allowed)}.", param="size")
    w, h = value.split("x")
    return value, int(w), int(h)


def parse_seconds(seconds: str | int | None, extra_seconds: tuple[str, ...] = ()) -> str:
    """Validate a clip duration given as an int-like string."""
    if seconds is None or seconds == "":
        return DEFAULT_SECONDS
    text = str(seconds).strip()
    try:
        as_float = float(text)
    except ValueError:
        as_float = float("nan")
    normalized = str(int(as_float)) if as_float == as_float and as_float.is_integer() else text
    allowed = SECONDS + tuple(extra_seconds)
    if normalized not in allowed:
        raise RuleError(
            f"Invalid seconds '{text}'. Supported values: {', '.join(allowed)}.", param="seconds"
        )
    return normalized


def check_prompt(prompt: object) -> str:
    """Validate the prompt text."""
    if not isinstance(prompt, str) or not prompt.strip():
        raise RuleError("Missing required parameter: 'prompt'.", param="prompt", code="missing_required_parameter")
    if len(prompt) > MAX_PROMPT_CHARS:
        raise RuleError(
            f"Prompt is {len(prompt)} characters; the maximum is {MAX_PROMPT_CHARS}.", param="prompt"
        )
    return prompt


def parse_seed(seed: object) -> int | None:
    """Validate an optional integer seed (0 … 2**31-1)."""
    if seed is None or seed == "":
        return None
    try:
        value = int(str(seed))
    except ValueError as exc:
        raise RuleError(f"Invalid seed '{seed}': must be an integer.", param="seed") from exc
    if not 0 <= value < 2**31:
        raise RuleError("seed must be between 0 and 2147483647.", param="seed")
    return value


def quota_remaining(limit: int, used_today: int) -> int:
    """How many more videos a user may create today."""
    return max(0, limit - used_today)
