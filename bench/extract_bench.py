"""Benchmark: rule extraction throughput on 800-word articles, one core.

Articles are made from the labelled evaluation set (``eval/articles``, written for this project):
each benchmark article joins consecutive set articles until it reaches about 800 words, so the
text has the density of real EV news. Run: ``python -m bench.extract_bench [--articles 300]``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from knowledge.extract.base import ArticleDoc
from knowledge.extract.rules import RuleExtractor
from knowledge.gazetteer import load_seed_entities
from knowledge.ingest import parse_text_article

EVAL = Path(__file__).resolve().parents[1] / "eval" / "articles"


def build_articles(words: int = 800) -> list[ArticleDoc]:
    bodies = [parse_text_article(p.read_bytes(), str(p)) for p in sorted(EVAL.glob("*.md"))]
    docs: list[ArticleDoc] = []
    for start in range(len(bodies)):
        parts: list[str] = []
        count = 0
        index = start
        while count < words:
            raw = bodies[index % len(bodies)]
            parts.append(raw.body)
            count += len(raw.body.split())
            index += 1
        first = bodies[start]
        docs.append(ArticleDoc("\n".join(parts), first.title, first.url, first.publisher, first.published))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()
    docs = build_articles()
    gazetteer = load_seed_entities()
    extractor = RuleExtractor()
    extractor.extract(docs[0], gazetteer)  # build the matchers once, as a running bot has
    words = 0
    claims = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(args.articles):
        doc = docs[i % len(docs)]
        words += len(doc.body.split())
        claims += len(extractor.extract(doc, gazetteer).claims)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print("| articles | mean words | claims | articles/s (CPU, one core) | articles/s (wall) |")
    print("|---:|---:|---:|---:|---:|")
    print(
        f"| {args.articles} | {words / args.articles:.0f} | {claims} | {args.articles / cpu:.0f} | {args.articles / wall:.0f} |"
    )


if __name__ == "__main__":
    main()
