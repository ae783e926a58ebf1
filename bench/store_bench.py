"""Benchmark: ``/ev compare`` of two companies and ``/ev brief`` on a large synthetic store.

Builds stores of 10k, 100k and 1M claims over 5,000 companies (one evidence row per claim, a
development per 10 claims) on SQLite and, when reachable, PostgreSQL, then times the core
in-process (parsed command → reply model) in a fresh process that also reports its resident
memory. Run: ``python -m bench.store_bench [--sizes 10000,100000,1000000] [--skip-postgres]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text

from knowledge.db import Database
from knowledge.schema import Article, Claim, Development, Entity, EntityAlias, Evidence
from knowledge.vocabulary import PROPERTIES, slot_key

CACHE = Path(os.environ.get("EVBOT_BENCH_DIR", "/tmp/evbot-bench"))
POSTGRES_URL = os.environ.get("EVBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
COMPANIES = 5000
BODY = "Synthetic article body. " * 40


def _value(spec_id: str, rng: random.Random, i: int) -> dict[str, Any]:
    spec = PROPERTIES[spec_id]
    if spec.value_type == "quantity":
        amount = float(rng.randint(1, 10_000))
        return {
            "value_kind": "quantity",
            "value_num": amount,
            "value_unit": spec.unit or "",
            "value_key": f"q:{amount:g}:{spec.unit}",
        }
    if spec.value_type == "date":
        iso = f"{rng.randint(2010, 2025)}-{rng.randint(1, 12):02d}"
        return {
            "value_kind": "date",
            "value_date": iso,
            "value_date_precision": "month",
            "value_key": f"d:{iso}",
        }
    textv = f"value {i % 97}"
    return {"value_kind": "text", "value_text": textv, "value_key": f"t:value{i % 97}"}


def build(db: Database, claims: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    props = list(PROPERTIES)
    with db.engine.begin() as conn:
        conn.execute(
            insert(Entity),
            [
                {
                    "id": f"co-{c:05d}",
                    "type": "company",
                    "name_en": f"Company {c:05d}",
                    "name_zh": None,
                    "parent_id": None,
                    "ticker": None,
                    "country": None,
                    "created_at": now,
                }
                for c in range(COMPANIES)
            ],
        )
        conn.execute(
            insert(EntityAlias),
            [
                {
                    "entity_id": f"co-{c:05d}",
                    "alias": f"Company {c:05d}",
                    "alias_norm": f"company{c:05d}",
                    "lang": "en",
                    "kind": "official",
                }
                for c in range(COMPANIES)
            ],
        )
        articles = max(1, claims // 20)
        for start in range(0, articles, 5000):
            conn.execute(
                insert(Article),
                [
                    {
                        "id": a + 1,
                        "url": f"https://bench.example/{a}",
                        "title": f"Story {a}",
                        "publisher": f"Outlet {a % 40}",
                        "published": f"2025-{a % 12 + 1:02d}-01",
                        "published_precision": "day",
                        "fetched_at": now,
                        "sha256": uuid.UUID(int=a).hex + uuid.UUID(int=a).hex,
                        "body": BODY,
                    }
                    for a in range(start, min(articles, start + 5000))
                ],
            )
        batch: list[dict[str, Any]] = []
        evidence: list[dict[str, Any]] = []
        developments: list[dict[str, Any]] = []
        for i in range(claims):
            subject = f"co-{i % COMPANIES:05d}"
            prop = props[rng.randrange(len(props))]
            spec = PROPERTIES[prop]
            qualifiers = {q: f"{q}-{rng.randint(0, 5)}" for q in spec.slot_qualifiers}
            value = _value(prop, rng, i)
            batch.append(
                {
                    "id": i + 1,
                    "subject_id": subject,
                    "property": prop,
                    "qualifiers": qualifiers,
                    "as_of": None,
                    "slot_key": slot_key(subject, spec, qualifiers, value["value_key"]),
                    "status": "extracted",
                    "confidence": rng.random(),
                    "extractor": "bench",
                    "extractor_version": "1",
                    "created_at": now,
                    "approx": False,
                    "version": 1,
                    **value,
                }
            )
            article_id = i % articles + 1
            evidence.append(
                {
                    "claim_id": i + 1,
                    "article_id": article_id,
                    "quote": BODY[:24],
                    "char_start": 0,
                    "char_end": 24,
                    "created_at": now,
                }
            )
            if i % 10 == 0:
                developments.append(
                    {
                        "article_id": article_id,
                        "entity_id": subject,
                        "topic": "general",
                        "sentence": f"Company {i % COMPANIES:05d} did thing {i}.",
                        "char_start": 0,
                        "char_end": 24,
                        "published": f"2025-{i % 12 + 1:02d}-01",
                        "created_at": now,
                    }
                )
            if len(batch) >= 20000:
                _flush(conn, batch, evidence, developments)
        _flush(conn, batch, evidence, developments)
        if db.dialect == "postgresql":
            conn.execute(text("ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))


def _flush(
    conn: Any, batch: list[dict[str, Any]], evidence: list[dict[str, Any]], developments: list[dict[str, Any]]
) -> None:
    for table, rows in ((Claim, batch), (Evidence, evidence), (Development, developments)):
        if rows:
            # every row must carry the same keys for executemany
            keys = set().union(*rows)
            conn.execute(insert(table), [{k: r.get(k) for k in keys} for r in rows])
            rows.clear()


def measure(url: str, schema: str | None, iterations: int) -> dict[str, float]:
    """Run in a fresh process: time compare and brief, report resident memory."""
    from adapters.console.chat import console_request
    from bot.answers import AnswerCache
    from bot.app import settle_memory
    from bot.core import Core
    from bot.settings import Settings

    db = Database(url, schema=schema)
    core = Core(db, Settings(_env_file=None, seed_on_start=False))  # type: ignore[call-arg]
    core.names.refresh()  # what build_core does at start-up
    settle_memory()
    core.answers = AnswerCache(size=0)  # measure the work of answering, not the answer cache
    rng = random.Random(11)
    results: dict[str, float] = {}
    for name, make in (
        (
            "compare",
            lambda: f"/ev compare co-{rng.randrange(COMPANIES):05d} co-{rng.randrange(COMPANIES):05d}",
        ),
        ("brief", lambda: f"/ev brief co-{rng.randrange(COMPANIES):05d}"),
    ):
        for _ in range(20):  # warm caches and the alias index
            core.handle(console_request(make(), "bench"))
        timings = []
        for _ in range(iterations):
            request = console_request(make(), "bench")
            start = time.perf_counter()
            reply = core.handle(request)
            timings.append((time.perf_counter() - start) * 1000)
            assert reply.kind in ("answer",), reply.fallback_text()
        timings.sort()
        results[f"{name}_p50_ms"] = statistics.median(timings)
        results[f"{name}_p99_ms"] = timings[int(len(timings) * 0.99) - 1]
    results["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


def prepare(kind: str, claims: int) -> tuple[str, str | None]:
    CACHE.mkdir(parents=True, exist_ok=True)
    if kind == "sqlite":
        path = CACHE / f"store-{claims}.db"
        url = f"sqlite:///{path}"
        if not path.exists():
            db = Database(url)
            db.upgrade()
            build(db, claims)
            db.dispose()
        return url, None
    schema = f"bench_{claims}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        exists = conn.execute(
            text("select 1 from information_schema.schemata where schema_name = :s"), {"s": schema}
        ).first()
        if exists is None:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    if exists is None:
        db = Database(POSTGRES_URL, schema=schema)
        db.upgrade()
        build(db, claims)
        db.dispose()
    return POSTGRES_URL, schema


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--measure", nargs=3, metavar=("URL", "SCHEMA", "ITER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        url, schema, iterations = args.measure
        print(json.dumps(measure(url, None if schema == "-" else schema, int(iterations))))
        return
    kinds = ["sqlite"] + ([] if args.skip_postgres else ["postgresql"])
    print("| store | claims | compare p50 | compare p99 | brief p50 | brief p99 | RSS |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind in kinds:
        for claims in (int(s) for s in args.sizes.split(",")):
            try:
                url, schema = prepare(kind, claims)
            except Exception as exc:  # no PostgreSQL server: say so and go on
                print(f"| {kind} | {claims:,} | unavailable: {exc.__class__.__name__} | | | | |")
                continue
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.store_bench",
                    "--measure",
                    url,
                    schema or "-",
                    str(args.iterations),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"| {kind} | {claims:,} | {r['compare_p50_ms']:.1f} ms | {r['compare_p99_ms']:.1f} ms | "
                f"{r['brief_p50_ms']:.1f} ms | {r['brief_p99_ms']:.1f} ms | {r['rss_mb']:.0f} MB |",
                flush=True,
            )


if __name__ == "__main__":
    main()
