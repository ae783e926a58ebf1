"""Search and ask latency on a large synthetic store.

    .venv/bin/python -m bench.search_bench [--articles 100000] [--queries 300] [--database URL]

Builds the store with bulk inserts (articles, development sentences, delivery claims with
evidence; the full-text index fills through the same triggers/indexes as real ingestion), then
times ``/ev search`` and ``/ev ask`` end to end through the core and reports p50/p99.
PostgreSQL: ``--database postgresql+psycopg://postgres@127.0.0.1:5432/test --schema bench``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text

from bot.app import prepare_store
from bot.context import CommandRequest
from bot.core import Core
from bot.settings import Settings
from knowledge.db import Database
from knowledge.schema import Article, Claim, Development, Evidence

COMPANIES = [("byd", "BYD"), ("xpeng", "Xpeng"), ("nio", "Nio"), ("li-auto", "Li Auto"), ("tesla", "Tesla")]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
TEMPLATES = [
    ("sales", "{c} delivered {n:,} vehicles in {m} {y}, up {p} percent from a year earlier."),
    ("smart_driving", "{c} expanded its {s} driver-assistance system to {k} more cities in {m} {y}."),
    ("overseas", "{c} began selling cars in {country} in {m} {y} as part of its overseas push."),
    ("products", "{c} opened a plant in {city} with capacity for {k}0,000 vehicles a year."),
    ("ai", "{c} said its {s} model with {k} billion parameters will reach cars in {m} {y}."),
    ("robotics", "{c} showed a humanoid robot built by a team of {k}00 engineers in {city}."),
]
SYSTEMS = ["XNGP", "NOP", "NOA", "FSD", "God's Eye", "ADS", "Pilot"]
COUNTRIES = ["Norway", "Germany", "Thailand", "Brazil", "Australia", "Mexico", "Hungary", "Turkey", "Israel"]
CITIES = ["Szeged", "Hefei", "Zhaoqing", "Munich", "Rayong", "Camacari", "Izmir", "Shanghai", "Wuhan"]
SEARCHES = [
    "humanoid robot",
    "overseas Brazil",
    "plant capacity Hungary",
    "driver assistance cities",
    "XNGP",
    "billion parameters",
    "BYD delivered",
    "Tesla Norway",
    "robot engineers Munich",
    "delivered percent",
    "God's Eye",
    "Thailand",
    "opened plant",
    "solid-state battery",
    "Nio overseas",
]


def build(db: Database, articles: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    batch = 2000
    claim_id = 0
    done_slots: set[tuple[str, str]] = set()
    with db.engine.begin() as conn:
        start_id = int(conn.execute(text("SELECT coalesce(max(id), 0) FROM article")).scalar() or 0)
    for base in range(0, articles, batch):
        art_rows: list[dict[str, Any]] = []
        dev_rows: list[dict[str, Any]] = []
        claim_rows: list[dict[str, Any]] = []
        ev_rows: list[dict[str, Any]] = []
        for i in range(base, min(base + batch, articles)):
            aid = start_id + i + 1
            y, mi = 2015 + rng.randrange(11), rng.randrange(12)
            published = f"{y}-{mi + 1:02d}-{rng.randrange(1, 28):02d}"
            sentences: list[tuple[str, str, str]] = []
            for _ in range(3):
                cid, cname = rng.choice(COMPANIES)
                topic, template = rng.choice(TEMPLATES)
                sentence = template.format(
                    c=cname,
                    n=rng.randrange(1000, 500000),
                    m=MONTHS[mi],
                    y=y,
                    p=rng.randrange(1, 200),
                    s=rng.choice(SYSTEMS),
                    k=rng.randrange(2, 90),
                    country=rng.choice(COUNTRIES),
                    city=rng.choice(CITIES),
                )
                sentences.append((cid, topic, sentence))
            body = " ".join(s for _, _, s in sentences)
            art_rows.append(
                {
                    "id": aid,
                    "url": f"https://news{aid % 40}.example/a/{aid}",
                    "title": sentences[0][2][:80],
                    "publisher": f"Outlet {aid % 40}",
                    "published": published,
                    "published_precision": "day",
                    "fetched_at": now,
                    "sha256": f"{aid:064x}",
                    "body": body,
                    "story_id": aid,
                }
            )
            offset = 0
            for cid, topic, sentence in sentences:
                dev_rows.append(
                    {
                        "article_id": aid,
                        "entity_id": cid,
                        "topic": topic,
                        "sentence": sentence,
                        "char_start": offset,
                        "char_end": offset + len(sentence),
                        "published": published,
                        "created_at": now,
                    }
                )
                if topic == "sales" and (cid, f"{y}-{mi + 1:02d}") not in done_slots:
                    done_slots.add((cid, f"{y}-{mi + 1:02d}"))
                    claim_id += 1
                    amount = float(sentence.split(" delivered ")[1].split(" ")[0].replace(",", ""))
                    period = f"{y}-{mi + 1:02d}"
                    claim_rows.append(
                        {
                            "subject_id": cid,
                            "property": "deliveries",
                            "value_kind": "quantity",
                            "value_num": amount,
                            "value_unit": "vehicles",
                            "approx": False,
                            "value_key": f"q:{amount:g}:vehicles",
                            "qualifiers": {"period": period},
                            "as_of": period,
                            "as_of_precision": "month",
                            "slot_key": f"{cid}|deliveries|period={period}|model=",
                            "status": "extracted",
                            "confidence": 0.9,
                            "extractor": "bench",
                            "extractor_version": "1",
                            "created_at": now,
                            "version": 1,
                        }
                    )
                    ev_rows.append(
                        {
                            "article_id": aid,
                            "quote": sentence,
                            "char_start": offset,
                            "char_end": offset + len(sentence),
                            "created_at": now,
                        }
                    )
                offset += len(sentence) + 1
        with db.engine.begin() as conn:
            conn.execute(insert(Article), art_rows)
            conn.execute(insert(Development), dev_rows)
            if claim_rows:
                first = int(conn.execute(text("SELECT coalesce(max(id), 0) FROM claim")).scalar() or 0) + 1
                for offset_id, row in enumerate(claim_rows):
                    row["id"] = first + offset_id
                conn.execute(insert(Claim), claim_rows)
                for row, ev in zip(claim_rows, ev_rows, strict=True):
                    ev["claim_id"] = row["id"]
                conn.execute(insert(Evidence), ev_rows)
    if db.dialect == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_commands(core: Core, commands: list[str]) -> list[float]:
    timings: list[float] = []
    for command in commands:
        started = time.perf_counter()
        reply = core.handle(CommandRequest(text=command))
        timings.append((time.perf_counter() - started) * 1000)
        if reply.kind == "error":
            raise RuntimeError(f"{command}: {reply.fallback_text()}")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument(
        "--schema", default=None, help="PostgreSQL schema to create and use (dropped afterwards)"
    )
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.database or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    if args.schema:
        with create_engine(url).begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{args.schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{args.schema}"'))
    db = Database(url, schema=args.schema)
    try:
        db.upgrade()
        prepare_store(db, seed=False)
        started = time.perf_counter()
        build(db, args.articles)
        print(f"{db.dialect}: built {args.articles:,} articles in {time.perf_counter() - started:.1f} s")
        core = Core(db, Settings(_env_file=None, data_dir=Path(tmp.name), seed_on_start=False))  # type: ignore[call-arg]
        rng = random.Random(11)
        searches = [f"/ev search {rng.choice(SEARCHES)}" for _ in range(args.queries)]
        asks = []
        for _ in range(args.queries):
            _, name = rng.choice(COMPANIES)
            kind = rng.randrange(3)
            if kind == 0:
                asks.append(
                    f"/ev ask how many cars did {name} deliver in {rng.choice(MONTHS)} {rng.randrange(2015, 2026)}?"
                )
            elif kind == 1:
                asks.append(f"/ev ask where does {name} build humanoid robots?")
            else:
                asks.append(f"/ev ask which countries did {name} enter overseas")
        time_commands(core, searches[:20] + asks[:20])  # warm caches (name index, statements)
        print(f"{'command':<12}{'queries':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
        for label, commands in (("search", searches), ("ask", asks)):
            timings = time_commands(core, commands)
            print(
                f"{label:<12}{len(timings):>8}{statistics.median(timings):>9.1f}"
                f"{percentile(timings, 0.99):>9.1f}{max(timings):>9.1f}"
            )
    finally:
        db.dispose()
        if args.schema:
            with create_engine(url).begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{args.schema}" CASCADE'))
        tmp.cleanup()


if __name__ == "__main__":
    main()
