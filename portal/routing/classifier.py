"""Two TextBlob Naive Bayes classifiers: the agency's sector and the report's category.

TextBlob (over NLTK) trains each classifier. NLTK keeps one probability-distribution object
per (label, feature): hundreds of MB for this corpus, and minutes to unpickle. So after
training we read its log-probabilities into one small table per feature and classify with
the same arithmetic as NLTK's ``prob_classify`` (tests check both agree). The table is
pickled under a name derived from the corpus hash and reloaded at start-up.

Keyword rules (``rules.py``) then multiply the odds of sectors whose procedures the text
names, and a temperature turns Naive Bayes' extreme probabilities into usable confidences.
"""
from __future__ import annotations

import logging
import math
import os
import pickle
import tempfile
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from textblob.classifiers import NaiveBayesClassifier

from portal.routing import rules, tokenizer
from portal.routing.corpus import Example, fingerprint

log = logging.getLogger("portal.routing")
MODEL_VERSION = "nb-syllables-v5"  # v5: the same model in flat tables (LogTable)
MIN_DOCUMENT_FREQUENCY = 2  # features seen in one document only are noise (and memory)
TEMPERATURE = 10.0  # fitted on cross-validation folds of the training corpus (log loss)
RULE_WEIGHT = 2.0  # per matched phrase, after the temperature (odds × e²)


@dataclass(frozen=True)
class Ranked:
    label: str
    probability: float


@dataclass(frozen=True)
class Prediction:
    sectors: list[Ranked]  # best first
    categories: list[Ranked]

    @property
    def sector(self) -> Ranked:
        return self.sectors[0]

    @property
    def category(self) -> Ranked:
        return self.categories[0]


class LogTable:
    """A trained Naive Bayes model as arrays: log P(label), and log P(feature | label) in one
    flat array, a row of ``len(labels)`` values per feature (``rows`` maps a feature to its
    row). Flat rather than an array per feature: about half the memory, which every gunicorn
    worker holds, and far fewer objects for a worker's reads to copy (issue 8)."""

    def __init__(self, classifier: NaiveBayesClassifier) -> None:
        nltk_nb = classifier.classifier
        self.labels = sorted(nltk_nb.labels())
        # NLTK's model internals: the label prior and the per-(label, feature) distributions.
        self.prior = array("d", (nltk_nb._label_probdist.logprob(label) for label in self.labels))
        names = sorted({fname for _label, fname in nltk_nb._feature_probdist})
        self.rows = {fname: i for i, fname in enumerate(names)}
        self.values = array("d", (nltk_nb._feature_probdist[label, fname].logprob(True)
                                  for fname in names for label in self.labels))

    def log_scores(self, featureset: dict[str, bool]) -> list[float]:
        """Base-2 log scores per label, as NLTK's prob_classify sums them (unknown features
        are ignored), then normalised."""
        scores = list(self.prior)
        width, values = len(scores), self.values
        for fname in featureset:
            row = self.rows.get(fname)
            if row is not None:
                start = row * width
                for i, value in enumerate(values[start:start + width]):
                    scores[i] += value
        top = max(scores)
        total = math.log2(sum(2 ** (s - top) for s in scores)) + top
        return [s - total for s in scores]


def _pruned_extractor(examples: list[Example]) -> Callable[..., dict[str, bool]]:
    counts = Counter(f for e in examples for f in tokenizer.features(tokenizer.tokens(e.text)))
    keep = {f for f, n in counts.items() if n >= MIN_DOCUMENT_FREQUENCY}

    def extract(document: list[str], train_set: object = None) -> dict[str, bool]:
        return {f: True for f in tokenizer.features(document) if f in keep}
    return extract


class Model:
    def __init__(self, examples: list[Example]) -> None:
        extract = _pruned_extractor(examples)
        documents = [tokenizer.tokens(e.text) for e in examples]
        self.sector = LogTable(_train([(d, e.sector) for d, e in zip(documents, examples)], extract))
        self.category = LogTable(_train([(d, e.category) for d, e in zip(documents, examples)], extract))
        if self.category.rows == self.sector.rows:  # same documents, same features: keep one map
            self.category.rows = self.sector.rows
        self.fingerprint = fingerprint(examples)
        # The shipped corpus this model builds on (differs from ``fingerprint`` when trained
        # with coordinators' corrections too).
        self.base_fingerprint = self.fingerprint
        self.version = MODEL_VERSION

    def predict(self, text: str) -> Prediction:
        featureset = tokenizer.features(tokenizer.tokens(text))
        boosts = rules.matches(text)
        sector = self.sector.log_scores(featureset)
        category = self.category.log_scores(featureset)
        return Prediction(
            _softmax(self.sector.labels, [s * math.log(2) / TEMPERATURE + RULE_WEIGHT * boosts.get(label, 0)
                                          for label, s in zip(self.sector.labels, sector)]),
            _softmax(self.category.labels, [s * math.log(2) / TEMPERATURE for s in category]))


def _train(labelled: list[tuple[list[str], str]], extract) -> NaiveBayesClassifier:
    classifier = NaiveBayesClassifier(labelled, feature_extractor=extract)
    classifier.train()
    return classifier


def _softmax(labels: list[str], scores: list[float]) -> list[Ranked]:
    top = max(scores)
    weights = [math.exp(s - top) for s in scores]
    total = sum(weights)
    return sorted((Ranked(label, w / total) for label, w in zip(labels, weights)),
                  key=lambda r: (-r.probability, r.label))


def load_or_train(examples: list[Example], cache_dir: str | None) -> Model:
    """The model for these examples: from the cache when present, else trained and cached."""
    path = os.path.join(cache_dir, f"routing-{MODEL_VERSION}-{fingerprint(examples)}.pickle") \
        if cache_dir else None
    if path and os.path.exists(path):
        with open(path, "rb") as fh:  # our own file, written below
            model = pickle.load(fh)
        if isinstance(model, Model):
            return model
    model = Model(examples)
    if path:
        save(model, path)
        log.info("routing model trained on %d examples, cached at %s", len(examples), path)
    return model


def save(model: Model, path: str) -> None:
    """Write then rename: another worker never reads a half-written file."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
