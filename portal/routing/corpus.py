"""The labelled corpus shipped in portal/routing/data (training files corpus_*.jsonl)."""
from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(os.path.dirname(__file__)) / "data"
EVALUATION_FILE = DATA_DIR / "eval.jsonl"


@dataclass(frozen=True)
class Example:
    text: str
    sector: str
    category: str


def read_jsonl(path: Path | str) -> list[Example]:
    examples = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                examples.append(Example(row["text"], row["sector"], row["category"]))
            except (ValueError, KeyError) as exc:
                raise ValueError(f"{path}:{number}: not a labelled example ({exc})") from exc
    return examples


def training_files() -> list[Path]:
    """Every training file; the evaluation file is never among them."""
    return sorted(p for p in DATA_DIR.glob("corpus_*.jsonl") if p != EVALUATION_FILE)


def training_examples() -> list[Example]:
    return [e for path in training_files() for e in read_jsonl(path)]


@dataclass(frozen=True)
class Corpus:
    examples: tuple[Example, ...]
    fingerprint: str


@functools.cache
def shipped() -> Corpus:
    """The training corpus, read and hashed once per process: it ships with the code and
    changes only with a deploy, which restarts the workers (filing must not read files)."""
    examples = tuple(training_examples())
    return Corpus(examples, fingerprint(examples))


def fingerprint(examples: Iterable[Example]) -> str:
    """A hash of the examples, naming the cached model trained on them."""
    digest = hashlib.sha256()
    for e in examples:
        digest.update(f"{e.sector}\t{e.category}\t{e.text}\n".encode())
    return digest.hexdigest()[:16]
