"""Two TextBlob Naive Bayes classifiers: the agency's sector and the report's category.

Training takes a few seconds, so a trained model is pickled under a name derived from the
corpus hash and reloaded at start-up; a changed corpus gets a new file.
"""
from __future__ import annotations

import logging
import os
import pickle
import tempfile
from dataclasses import dataclass

from textblob.classifiers import NaiveBayesClassifier

from portal.routing import tokenizer
from portal.routing.corpus import Example, fingerprint

log = logging.getLogger("portal.routing")
MODEL_VERSION = "nb-syllables-v1"


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


class Model:
    def __init__(self, examples: list[Example]) -> None:
        documents = [tokenizer.tokens(e.text) for e in examples]
        self.fingerprint = fingerprint(examples)
        # The shipped corpus this model builds on (differs from ``fingerprint`` when trained
        # with coordinators' corrections too).
        self.base_fingerprint = self.fingerprint
        self._sector = NaiveBayesClassifier(
            [(d, e.sector) for d, e in zip(documents, examples)], feature_extractor=tokenizer.features)
        self._category = NaiveBayesClassifier(
            [(d, e.category) for d, e in zip(documents, examples)], feature_extractor=tokenizer.features)
        self._sector.train()
        self._category.train()
        # The training sets are not needed to classify; dropping them keeps the pickle small.
        for clf in (self._sector, self._category):
            clf.train_set, clf.train_features, clf._word_set = [], [], set()

    def predict(self, text: str) -> Prediction:
        document = tokenizer.tokens(text)
        return Prediction(_ranked(self._sector, document), _ranked(self._category, document))


def _ranked(classifier: NaiveBayesClassifier, document: list[str]) -> list[Ranked]:
    dist = classifier.prob_classify(document)
    return sorted((Ranked(label, dist.prob(label)) for label in dist.samples()),
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
        os.makedirs(cache_dir, exist_ok=True)
        # Write then rename: another worker never reads a half-written file.
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        log.info("routing model trained on %d examples, cached at %s", len(examples), path)
    return model
