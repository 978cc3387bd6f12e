"""The `reelcast` command line: serve, generate, plan, worker, apikey, migrate."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from reelcast.config import Settings
from reelcast.domain import video_rules as rules

app = typer.Typer(help="reelcast: prompt → video with sound, and an OpenAI-compatible Videos API server.",
                  no_args_is_help=True, add_completion=False)
apikey_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
app.add_typer(apikey_app, name="apikey")
invites_app = typer.Typer(help="Manage sign-up invite codes.", no_args_is_help=True)
app.add_typer(invites_app, name="invites")
console = Console(stderr=True)


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(2)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default REELCAST_HOST or 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default REELCAST_PORT or 8000).")] = None,
    worker: Annotated[str | None, typer.Option(help="inline | none (default REELCAST_WORKER).")] = None,
) -> None:
    """Run the API server (with the inline worker unless --worker none)."""
    import uvicorn

    from reelcast.app import ADMIN_KEY_FILE, create_app, ensure_admin
    from reelcast.jobs.runtime import Runtime

    st = Settings()
    overrides = {k: v for k, v in {"host": host, "port": port, "worker": worker}.items() if v is not None}
    st = st.model_copy(update=overrides)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    rt = Runtime.open(st)
    key = ensure_admin(rt)
    url = f"http://{st.host}:{st.port}"
    console.print(f"[bold green]reelcast[/bold green] serving on {url}  (API: {url}/v1, docs: {url}/docs)")
    if key:
        console.print(f"local admin '{st.admin_handle}' API key: [bold]{key}[/bold]")
    else:
        console.print(f"admin API key: see {st.data_dir / ADMIN_KEY_FILE} or run `reelcast apikey create`")
    uvicorn.run(create_app(st, runtime=rt), host=st.host, port=st.port, log_level="info")


@app.command()
def generate(
    prompt: Annotated[str, typer.Argument(help="What to show (and hear).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="MP4 file to write.")] = Path("clip.mp4"),
    seconds: Annotated[str, typer.Option(help="Duration: 4, 8, 12, 16 or 20.")] = rules.DEFAULT_SECONDS,
    size: Annotated[str, typer.Option(help=f"Frame size: {', '.join(rules.SIZES)}.")] = rules.DEFAULT_SIZE,
    seed: Annotated[int | None, typer.Option(help="Same prompt + seed + version → same bytes.")] = None,
    model: Annotated[str, typer.Option(help="Engine profile or OpenAI model alias.")] = rules.DEFAULT_MODEL,
    reference: Annotated[Path | None, typer.Option(help="Image shown as the first frame.")] = None,
) -> None:
    """Render a video locally without a server, with a progress bar."""
    from reelcast.domain.ids import new_id
    from reelcast.jobs.pipeline import JobFailed, RenderRequest, new_seed, render
    from reelcast.media.images import ImageError, decode_image
    from reelcast.store.blobs import BlobStore

    st = Settings()
    try:
        _, profile = rules.resolve_model(model)
        size_s, w, h = rules.parse_size(size, st.extra_size_list)
        secs = rules.parse_seconds(seconds, st.extra_seconds_list)
        rules.check_prompt(prompt)
        ref = decode_image(reference.read_bytes()) if reference else None
    except (rules.RuleError, ImageError, OSError) as exc:
        _fail(str(exc))
        return
    from reelcast.safety.service import policy_for

    verdict = policy_for(st).check(prompt)
    if not verdict.allowed:
        _fail(f"moderation_blocked: {verdict.message}")
        return
    seed_v = new_seed() if seed is None else seed
    req = RenderRequest(prompt=prompt, seconds=float(secs), width=w, height=h, seed=seed_v,
                        engine=profile.engine, quality=profile.quality, reference=ref,
                        watermark_id=new_id("video"))
    from reelcast.engines import engine_options_for  # the diffusers engine: model key and REELCAST_DIFFUSERS_*

    req.engine_options = engine_options_for(st, model, profile.engine, ref)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reelcast-") as tmp, Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
        TimeRemainingColumn(), console=console,
    ) as bar:
        task = bar.add_task(f"rendering {secs}s {size_s}", total=100)
        try:
            out = render(req, BlobStore(Path(tmp)), on_progress=lambda f: bar.update(task, completed=f * 100))
        except JobFailed as exc:
            _fail(f"{exc.code}: {exc.message}")
            return
        bar.update(task, completed=100)
        output.parent.mkdir(parents=True, exist_ok=True)
        _sign_cli_output(out, req, model)  # C2PA signing is the very last step
        shutil.move(str(out.video_path), output)
    took = time.perf_counter() - started
    console.print(f"wrote {output} ({output.stat().st_size / 1e6:.1f} MB, {secs}s {size_s}, seed {seed_v}) "
                  f"in {took:.1f}s; {len(out.events)} contact events; unresolved: {out.plan.unresolved or 'none'}")


@app.command()
def plan(
    prompt: Annotated[str, typer.Argument(help="Prompt to analyse.")],
    seconds: Annotated[str, typer.Option(help="Duration.")] = rules.DEFAULT_SECONDS,
    size: Annotated[str, typer.Option(help="Frame size.")] = rules.DEFAULT_SIZE,
    as_json: Annotated[bool, typer.Option("--json", help="Print the ScenePlan as JSON.")] = False,
) -> None:
    """Show how a prompt is understood (entities, actions, shots, camera, style, sound, unresolved)."""
    from reelcast.prompt.compiler import compile_prompt

    st = Settings()
    try:
        _, w, h = rules.parse_size(size, st.extra_size_list)
        secs = rules.parse_seconds(seconds, st.extra_seconds_list)
        rules.check_prompt(prompt)
    except rules.RuleError as exc:
        _fail(str(exc))
        return
    p = compile_prompt(prompt, float(secs), w, h)
    if as_json:
        typer.echo(json.dumps(p.to_dict(), indent=2, ensure_ascii=False))
        return
    out = Console()
    out.print(f"[bold]Plan[/bold] v{p.version}: {p.duration:g}s {p.width}x{p.height} @ {p.fps} fps")
    out.print(f"place: {p.setting.place} · {p.setting.time_of_day} · gravity {p.setting.gravity:g} m/s²"
              f" · look: {p.style.look}")
    t = Table("entity", "archetype", "name", "count", "attributes", title="Entities")
    for e in p.entities:
        t.add_row(e.id, e.archetype, e.name or "", str(e.count), ", ".join(f"{k}={v}" for k, v in e.attributes.items()))
    out.print(t)
    t = Table("actor", "verb", "target", "outcome", title="Actions")
    for a in p.actions:
        t.add_row(a.actor, a.verb, a.target or "", a.outcome or "")
    out.print(t)
    t = Table("#", "time", "camera", "description", title="Shots")
    for sh in p.shots:
        c = sh.camera
        t.add_row(str(sh.index), f"{sh.start:.2f}–{sh.end:.2f}",
                  f"{c.focal_length_mm:g}mm {c.framing} {c.move}", sh.title or sh.description[:60])
    out.print(t)
    snd = p.sound
    out.print(f"sound: sfx={'on' if snd.sfx else 'off'} · ambience={snd.ambience or 'auto'} · "
              f"music={'off' if not snd.music else (snd.music_mood or 'on')} · dialogue lines={len(snd.dialogue)}")
    if p.cameos:
        out.print(f"cameos: {', '.join(p.cameos)}")
    out.print(f"[yellow]not understood:[/yellow] {', '.join(p.unresolved) if p.unresolved else 'nothing'}")
    for n in p.notes:
        out.print(f"[dim]note: {n}[/dim]")


@app.command()
def worker(
    once: Annotated[bool, typer.Option(help="Process at most one job and exit (database polling mode).")] = False,
    metrics_port: Annotated[int | None, typer.Option(help="Serve this worker's Prometheus metrics here.")] = None,
) -> None:
    """Run a standalone worker: a Celery worker when REELCAST_WORKERS=celery, else one polling the database."""
    from reelcast.jobs.runtime import Runtime
    from reelcast.jobs.webhooks import OutboxDispatcher
    from reelcast.jobs.worker import JobRunner
    from reelcast.logs import setup_logging
    from reelcast.media.cpu_budget import apply_thread_budget, lower_priority

    st = Settings()
    setup_logging(st)
    lower_priority(st.worker_nice)  # before any thread starts: they inherit it
    apply_thread_budget(st.worker_cpu_threads)
    from reelcast.embeddings import warm_in_background
    from reelcast.prompt import semantic  # noqa: F401  (registers the prompt vocabulary's table for the warm-up)

    warm_in_background()  # the model and the prompt vocabulary, before the first job needs them
    if st.job_backend == "celery":
        _celery_worker(st, metrics_port)
        return
    rt = Runtime.open(st)
    runner = JobRunner(rt)
    hooks = OutboxDispatcher(rt)
    hooks.start()
    console.print(f"worker {runner.worker_id} polling {rt.settings.resolved_database_url.split('@')[-1]}")
    try:
        while True:
            worked = runner.run_once()
            if once:
                break
            if not worked:
                time.sleep(1.0)
    except KeyboardInterrupt:
        pass
    finally:
        hooks.stop()
        rt.close()


def _celery_worker(st: Settings, metrics_port: int | None) -> None:
    """Run a Celery worker (solo pool: one job at a time per process; start more processes to scale)."""
    import socket
    import uuid

    from reelcast.jobs import celery_app
    from reelcast.jobs.runtime import Runtime

    rt = Runtime.open(st)
    celery_app.set_worker_runtime(rt)
    if metrics_port:
        from prometheus_client import start_http_server

        from reelcast.jobs.metrics import REGISTRY

        start_http_server(metrics_port, registry=REGISTRY)
    assert rt.dispatcher is not None
    broker = (st.broker_url or "").split("@")[-1]
    from reelcast.jobs.dispatch import worker_queues

    queues = worker_queues(st)
    console.print(f"celery worker on queues {', '.join(queues)} at {broker}")
    rt.dispatcher.celery.worker_main([
        "worker", "--pool=solo", "--concurrency=1", "--loglevel=INFO", "-Q", ",".join(queues),
        "-n", f"reelcast-{uuid.uuid4().hex[:8]}@{socket.gethostname()}",
        "--without-gossip", "--without-mingle", "--prefetch-multiplier=1",
    ])


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    from reelcast.jobs.runtime import Runtime

    rt = Runtime.open(Settings())
    rt.close()
    console.print("database is up to date")


@app.command()
def recount() -> None:
    """Recompute every post's like, comment and remix counters from the rows (after bulk loads or manual edits
    that bypassed the app; the app keeps them exact itself)."""
    from reelcast.jobs.runtime import Runtime
    from reelcast.social import counters

    rt = Runtime.open(Settings())
    try:
        with rt.db.session() as s:
            counters.recount(s)
    finally:
        rt.close()
    console.print("post counters recomputed")


@apikey_app.command("create")
def apikey_create(
    user: Annotated[str, typer.Option(help="Handle of the key's owner (created if missing).")] = "admin",
    name: Annotated[str, typer.Option(help="A label for the key.")] = "",
) -> None:
    """Create an API key and print only the key."""
    from reelcast.jobs.runtime import Runtime
    from reelcast.store import accounts

    st = Settings()
    rt = Runtime.open(st)
    try:
        with rt.db.session() as s:
            owner = accounts.get_or_create_user(s, user, is_admin=(user == st.admin_handle))
            key = accounts.create_api_key(s, owner, name=name)
    finally:
        rt.close()
    typer.echo(key)


def _sign_cli_output(out: object, req: object, model: str) -> None:
    """Sign a locally rendered MP4 with the operator identity under REELCAST_DATA_DIR."""
    from reelcast.jobs import provenance

    st = Settings()
    ident = provenance.identity_for(st.data_dir, st.c2pa_cert_chain, st.c2pa_key, st.c2pa_trust_anchor)
    vid = getattr(req, "watermark_id", None)
    inp = provenance.SignInputs(video_id=vid, title=vid or "clip", engine=getattr(req, "engine", "sim"), model=model,
                                cameos=provenance.consent_entries(list(out.plan.cameos)))  # type: ignore[attr-defined]
    out.thumbnail, out.spritesheet = provenance.sign_outputs(  # type: ignore[attr-defined]
        ident, inp, out.video_path, out.thumbnail, out.spritesheet)  # type: ignore[attr-defined]


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        _fail(f"cannot read {path}: {exc}")
        raise


@app.command()
def trace(
    file: Annotated[Path, typer.Argument(help="A video or image to trace back to its source.")],
) -> None:
    """Find which reelcast video a file comes from (C2PA, invisible watermark, fingerprint)."""
    from reelcast.jobs import provenance
    from reelcast.jobs.runtime import Runtime

    data = _read_file(file)
    rt = Runtime.open(Settings())
    try:
        result = provenance.trace_file(rt, data, file)
    except ValueError as exc:
        _fail(str(exc))
        return
    finally:
        rt.close()
    typer.echo(json.dumps(result, indent=2, default=str))


@app.command()
def verify(
    file: Annotated[Path, typer.Argument(help="A file whose C2PA manifest to validate.")],
    trust_anchor: Annotated[Path | None, typer.Option(help="Root PEM to trust (default: this data dir's).")] = None,
) -> None:
    """Validate a file's C2PA manifest; exit 1 unless it is Trusted."""
    from reelcast.jobs import provenance

    data = _read_file(file)
    st = Settings()
    root = trust_anchor.read_bytes() if trust_anchor else provenance.identity_for(
        st.data_dir, st.c2pa_cert_chain, st.c2pa_key, st.c2pa_trust_anchor).root_pem
    report = provenance.verify_file(None, data, root)
    typer.echo(json.dumps(report, indent=2, default=str))
    if not report["trusted"]:
        raise typer.Exit(1)


@app.command("password")
def password_cmd(
    user: Annotated[str, typer.Option(help="Handle whose web sign-in password to set (default: the admin).")] = "",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True,
                                          help="The new password (asked for when omitted).")] = "",
) -> None:
    """Set a user's password for the web app (the operator signs in as the admin to moderate)."""
    from reelcast.domain import social_rules
    from reelcast.domain.video_rules import RuleError
    from reelcast.jobs.runtime import Runtime
    from reelcast.social import accounts as social_accounts
    from reelcast.store import accounts

    st = Settings()
    try:
        pw = social_rules.check_password(password)
    except RuleError as exc:
        _fail(exc.message)
    rt = Runtime.open(st)
    try:
        with rt.db.session() as s:
            handle = user or st.admin_handle
            row = (accounts.get_or_create_user(s, handle, is_admin=True) if handle == st.admin_handle
                   else social_accounts.user_by_handle(s, handle))
            if row is None:
                _fail(f"No user '{handle}'.")
            row.password_hash = social_accounts.hash_password(pw)
    finally:
        rt.close()
    typer.echo(f"Password set for @{handle}.")


@invites_app.command("create")
def invites_create(
    n: Annotated[int, typer.Option("-n", "--count", min=1, max=1000, help="How many codes to mint.")] = 1,
    owner: Annotated[str, typer.Option(help="Handle that owns the codes (default: the admin).")] = "",
) -> None:
    """Mint single-use sign-up codes (operator) and print one per line."""
    from reelcast.jobs.runtime import Runtime
    from reelcast.social import accounts as social_accounts
    from reelcast.store import accounts

    st = Settings()
    rt = Runtime.open(st)
    try:
        with rt.db.session() as s:
            handle = owner or st.admin_handle
            user = accounts.get_or_create_user(s, handle, is_admin=(handle == st.admin_handle))
            codes = social_accounts.mint_invites(s, user.id, n)
    finally:
        rt.close()
    for code in codes:
        typer.echo(code)


@app.command("backup")
def backup_cmd(
    output: Annotated[Path, typer.Argument(help="Backup file to write (.tar.gz).")],
) -> None:
    """Back up the database (SQLite snapshot or pg_dump) and every blob into one file."""
    from reelcast.store.backup import BackupError, backup

    try:
        info = backup(Settings(), output)
    except BackupError as exc:
        _fail(str(exc))
        return
    console.print(f"wrote {output}: {info.database} database + {info.blobs} blobs")


@app.command("restore")
def restore_cmd(
    source: Annotated[Path, typer.Argument(help="Backup file made by `reelcast backup`.")],
    force: Annotated[bool, typer.Option(help="Replace an existing database.")] = False,
) -> None:
    """Restore a backup into REELCAST_DATABASE_URL and the blob directory."""
    from reelcast.store.backup import BackupError, restore

    try:
        info = restore(Settings(), source, force=force)
    except BackupError as exc:
        _fail(str(exc))
        return
    console.print(f"restored {info.database} database + {info.blobs} blobs from {source}")


@app.command("tier")
def tier_cmd(
    user: Annotated[str, typer.Argument(help="Handle of the user.")],
    tier: Annotated[str, typer.Argument(help="Quota tier (regular, or one from REELCAST_QUOTA_TIERS).")],
) -> None:
    """Put a user in a daily-quota tier."""
    from reelcast.api.limits import set_tier
    from reelcast.jobs.runtime import Runtime
    from reelcast.store import accounts

    st = Settings()
    if tier not in st.quota_tier_map:
        _fail(f"unknown tier {tier!r}; known: {', '.join(st.quota_tier_map)}")
        return
    rt = Runtime.open(st)
    try:
        with rt.db.session() as s:
            found = accounts.find_user(s, user)
        if found is None:
            _fail(f"no user {user!r}")
            return
        set_tier(rt, found.id, tier)
    finally:
        rt.close()
    console.print(f"{user} is now in tier {tier} ({st.quota_tier_map[tier] or 'unlimited'} videos/day)")


if __name__ == "__main__":
    app()
