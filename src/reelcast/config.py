"""Settings read from `REELCAST_*` environment variables."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration; every field can be set as `REELCAST_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="REELCAST_", extra="ignore")

    data_dir: Path = Field(default=Path("./var"), description="Database, blobs and keys live under it.")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite in data_dir.")
    blob_url: str | None = Field(default=None, description="s3://bucket[/prefix] for S3-compatible blob storage; "
                                 "default: local files under data_dir/blobs. Credentials: the usual AWS_* variables.")
    s3_endpoint_url: str | None = Field(default=None, description="S3 endpoint for non-AWS stores (MinIO, Ceph…).")
    s3_region: str | None = Field(default=None, description="S3 region (default: the AWS_* configuration).")
    engine: str = Field(default="sim", description="Engine for the default profile.")
    render_quality: str = Field(default="auto", description="fast | high | auto (high on a GPU).")
    host: str = "127.0.0.1"
    port: int = 8000
    worker: str = Field(default="inline", description="inline (threads in the server) | none | celery.")
    worker_threads: int = 1
    worker_cpu_threads: int = Field(default=0, description="Native threads per `reelcast worker` process (llvmpipe, "
                                    "x264, BLAS, torch); 1 when running one worker per core; 0 = all cores.")
    worker_nice: int = Field(default=10, description="Niceness of `reelcast worker` processes (0-19; 0 = leave it): "
                             "renders yield the CPU to an API server or database on the same cores.")
    lease_seconds: int = Field(default=120, description="A job whose worker stops heartbeating is re-claimed.")
    poll_after_ms: int = Field(default=1000, description="Shortest openai-poll-after-ms on pending videos.")
    poll_after_max_ms: int = Field(default=10000, description="Longest openai-poll-after-ms: a pending job's "
                                   "estimated remaining time is spread over about ten polls, up to this each.")
    asset_ttl_days: int = Field(default=0, description="Days after completion until assets expire; 0 = never.")
    auth: bool = Field(default=True, description="Require Bearer API keys.")
    admin_handle: str = "admin"
    open_registration: bool = Field(default=False, description="Sign-up without an invite code (social, issue 5).")
    daily_video_quota: int = Field(default=30, description="Videos each regular user may create per UTC day.")
    webhook_url: str | None = None
    webhook_secret: str | None = None
    extra_sizes: str = Field(default="", description="Comma-separated extra WxH sizes to accept (tiny test clips).")
    extra_seconds: str = Field(default="", description="Comma-separated extra durations to accept, e.g. '1,2'.")
    test_hooks: bool = Field(default=False, description="Enable test-only behaviour (magic failure prompts).")
    # scale-out and reliability (issue 11)
    workers: str = Field(default="", description="celery: enqueue jobs on Celery (REELCAST_BROKER_URL); "
                         "empty = use REELCAST_WORKER.")
    broker_url: str | None = Field(default=None, description="Celery broker and rate-limit store, e.g. redis://…/0.")
    redis_url: str | None = Field(default=None, description="Redis for rate-limit counters (default broker_url).")
    celery_queue: str = Field(default="reelcast", description="Celery queue name for render jobs.")
    worker_engines: str = Field(default="sim", description="Engines a `reelcast worker` renders (comma list); each "
                                "engine has its own Celery queue, so only workers that have it (e.g. GPU workers "
                                "with diffusers weights) take its jobs.")
    visibility_timeout: int = Field(default=7200, description="Broker redelivery timeout; longer than any job.")
    sweep_seconds: float = Field(default=5.0, description="How often workers re-enqueue stranded jobs.")
    quota_tiers: str = Field(default="pro=300,unlimited=0",
                             description="Daily generation quota per user tier, e.g. 'pro=300'; 0 = unlimited.")
    requests_per_minute: int = Field(default=600, description="API requests per user per minute; 0 = unlimited.")
    max_upload_mb: int = Field(default=200, description="Largest request body in MB, rejected while streaming.")
    max_upload_pixels: int = Field(default=40_000_000, description="Largest uploaded image or frame in pixels.")
    max_upload_seconds: float = Field(default=60.0, description="Longest uploaded video in seconds.")
    webhook_retry_seconds: float = Field(default=5.0, description="First webhook retry delay; doubles each try.")
    webhook_poll_seconds: float = Field(default=5.0, description="How often each process looks for webhook "
                                        "deliveries other processes left undelivered (its own go out at once).")
    log_json: bool = Field(default=False, description="Structured JSON logs with request ids.")
    c2pa_cert_chain: Path | None = Field(default=None, description="PEM chain (leaf first, no root) for C2PA signing; "
                                          "default: a local CA under data_dir/c2pa, created on first run.")
    c2pa_key: Path | None = Field(default=None, description="PEM private key (ES256) of the C2PA signing certificate.")
    c2pa_trust_anchor: Path | None = Field(default=None, description="Root PEM that verify/trace trust.")
    # diffusers engine (issue 12)
    diffusers_models: Path | None = Field(default=None, description="Directory of local diffusers weights, one "
                                          "sub-directory per model (wan-t2v, wan-i2v, ltx-video); unset = engine off.")
    diffusers_device: str = Field(default="auto", description="auto | cuda | cuda:N | cpu.")
    diffusers_dtype: str = Field(default="auto", description="auto (bf16 on a GPU, fp32 on CPU) | bfloat16 | "
                                 "float16 | float32.")
    diffusers_offload: str = Field(default="none", description="none | model | sequential CPU offload.")
    diffusers_vae_tiling: bool = Field(default=False, description="Decode the VAE in tiles (less GPU memory).")
    diffusers_steps: int = Field(default=0, description="Denoising steps per generation; 0 = the model's default.")

    # safety (issue 7): per-category similarity thresholds (lower blocks more), allowed categories, estates
    safety_threshold_sexual_minors: float = Field(default=0.55, description="Never allowed; only the threshold.")
    safety_threshold_sexual: float = 0.62
    safety_threshold_violence: float = 0.62
    safety_threshold_self_harm: float = 0.60
    safety_threshold_hate: float = 0.62
    safety_threshold_extremism: float = 0.62
    safety_threshold_harassment: float = 0.70
    safety_threshold_dangerous: float = 0.62
    safety_allow: str = Field(default="", description="Comma-separated policy categories this operator allows "
                              "(e.g. 'public_figure'); sexual_minors can never be allowed.")
    safety_estates: str = Field(default="", description="Comma-separated deceased people whose estate allows use.")
    safety_output_check: bool = Field(default=True, description="Check sampled frames of finished videos (nudity).")
    safety_output_frames: int = Field(default=6, description="Frames sampled per finished video.")
    safety_nudity_threshold: float = Field(default=0.45, description="Detector score that fails a video.")
    safety_face_check: bool = Field(default=True, description="Refuse finished videos that show a verified person "
                                    "(a person cameo of another user) who did not grant that video.")

    @cached_property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite under data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'reelcast.db').resolve()}"

    @property
    def extra_size_list(self) -> tuple[str, ...]:
        """Extra sizes as a tuple."""
        return tuple(x.strip() for x in self.extra_sizes.split(",") if x.strip())

    @property
    def extra_seconds_list(self) -> tuple[str, ...]:
        """Extra durations as a tuple."""
        return tuple(x.strip() for x in self.extra_seconds.split(",") if x.strip())

    @property
    def blob_dir(self) -> Path:
        """Where content-addressed media blobs are stored."""
        return self.data_dir / "blobs"

    @property
    def job_backend(self) -> str:
        """Where jobs run: `celery`, `inline` or `none` (REELCAST_WORKERS wins over REELCAST_WORKER)."""
        return "celery" if self.workers.strip().lower() == "celery" else self.worker

    @property
    def quota_tier_map(self) -> dict[str, int]:
        """Daily quota per tier name; `regular` is daily_video_quota."""
        tiers = {"regular": self.daily_video_quota}
        for part in self.quota_tiers.split(","):
            name, _, value = part.partition("=")
            if name.strip() and value.strip().isdigit():
                tiers[name.strip()] = int(value)
        return tiers
