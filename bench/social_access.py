"""Cost of the cameo consent checks: the pure rule, and the per-request database check on SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from reelcast.config import Settings
from reelcast.domain.cameo_access import ACCESS_LEVELS, ACTIONS, Facts, decide
from reelcast.jobs.runtime import Runtime
from reelcast.prompt.compiler import compile_prompt
from reelcast.social import accounts as acc
from reelcast.social import cameos, graph
from reelcast.store.models import User

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def _pure(n: int) -> float:
    facts = [Facts(access=a, approved=i % 2 == 0, actor_follows_owner=i % 3 == 0, owner_follows_actor=i % 5 == 0)
             for i, a in enumerate(ACCESS_LEVELS * 4)]
    t = time.perf_counter()
    for i in range(n):
        decide(ACTIONS[i % len(ACTIONS)], facts[i % len(facts)])
    return (time.perf_counter() - t) / n * 1e6


def _db(url: str | None, data: Path, reps: int) -> tuple[float, float]:
    rt = Runtime.open(Settings(data_dir=data, database_url=url))
    try:
        with rt.db.session() as s:
            actor = acc.register(s, handle="bench_actor", password="long password", birthdate="1990-01-01",
                                 invite_code=None, display_name=None, open_registration=True)
            for k in range(4):
                owner = acc.register(s, handle=f"bench_owner{k}", password="long password",
                                     birthdate="1990-01-01", invite_code=None, display_name=None,
                                     open_registration=True)
                cameos.create(s, owner, kind="character", handle=f"bench_pet{k}", name="pet", reference_blobs=[],
                              access="mutuals", preferences="always wearing a red cap")
                graph.follow(s, actor.id, owner.id)
                graph.follow(s, owner.id, actor.id)
        none = compile_prompt("a dog runs on the beach", 4.0, 1280, 720)
        four = compile_prompt("@bench_pet0 @bench_pet1 @bench_pet2 and @bench_pet3 run on the beach", 4.0, 1280, 720)
        out = []
        for plan in (none, four):
            t = time.perf_counter()
            for _ in range(reps):
                with rt.db.session() as s:
                    user = s.get(User, actor.id)
                    assert user is not None
                    cameos.authorize(s, user, plan, plan.prompt)
            out.append((time.perf_counter() - t) / reps * 1000)
        return out[0], out[1]
    finally:
        rt.close()


def main() -> None:
    """Print the table (and write it to docs/benchmarks.md with --write)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", type=Path, default=None)
    ap.add_argument("--reps", type=int, default=200)
    args = ap.parse_args()
    pure_us = _pure(200_000)
    rows = ["| database | prompt without cameos | prompt with 4 cameos (mutuals) |", "|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        lite = _db(None, Path(tmp) / "lite", args.reps)
        rows.append(f"| SQLite | {lite[0]:.2f} ms | {lite[1]:.2f} ms |")
        import uuid

        import psycopg

        name = f"reelcast_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            pg = _db(PG_ADMIN.rsplit("/", 1)[0] + "/" + name, Path(tmp) / "pg", args.reps)
            rows.append(f"| PostgreSQL | {pg[0]:.2f} ms | {pg[1]:.2f} ms |")
        finally:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    md = ("## Social: cameo consent checks\n\n"
          f"`bench/social_access.py`. The pure rule `domain.cameo_access.decide` takes {pure_us:.2f} µs per "
          f"decision. The create-time check (`social.cameos.authorize`: resolve each @handle, read the relationship "
          f"facts, apply the rule, check restrictions, apply preferences), per request in its own session, mean of "
          f"{args.reps} runs (1-minute load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores while "
          f"measuring: other work shares the machine):\n\n" + "\n".join(rows))
    print(md)
    if args.write:
        from bench.report import write_section

        write_section(args.write, "social_access", md)


if __name__ == "__main__":
    main()
