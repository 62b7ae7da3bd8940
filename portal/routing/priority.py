"""A priority flag for urgent or angry reports: TextBlob's sentiment for English text and a
Vietnamese lexicon (matched folded, so texts typed without diacritics count too)."""
from __future__ import annotations

import re

from textblob import TextBlob

from portal.routing.tokenizer import fold

# Phrases of urgency and anger as businesses write them (folded, lower case). One strong
# phrase is enough; weak ones are common in ordinary delay reports, so it takes two.
STRONG_PHRASES = (
    "khan cap", "cap bach", "ngung san xuat", "dung san xuat", "pha san", "mat hop dong",
    "hang bi giu", "buc xuc", "phan no", "qua dang", "vo ly", "hach dich", "vong vinh",
    "lot tay", "phong bi", "to cao", "khong the chap nhan", "het suc chiu dung",
)
WEAK_PHRASES = (
    "gap", "het han", "sap het han", "qua han", "bi phat", "thiet hai", "lam kho", "nhung nhieu",
    "doi tien", "boi duong", "nhieu lan", "lan thu", "da gui nhieu", "khong ai tra loi",
    "khong ai giai quyet", "cong nhan nghi viec",
)
_WORDS = re.compile(r"\w+")
NEGATIVE_POLARITY = -0.3
ASCII_SHARE_FOR_ENGLISH = 0.97


def _looks_english(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    ascii_share = sum(ch.isascii() for ch in letters) / len(letters)
    # Unaccented Vietnamese is ASCII too; English has far more common English words.
    words = text.lower().split()
    english = sum(w.strip(".,!?") in _ENGLISH_MARKERS for w in words)
    return ascii_share >= ASCII_SHARE_FOR_ENGLISH and english >= max(2, len(words) // 12)


_ENGLISH_MARKERS = frozenset("the and is are was were we our you your have has not no for with "
                             "this that been please still since from".split())


def is_priority(text: str) -> bool:
    folded = f" {' '.join(_WORDS.findall(fold(text).lower()))} "
    if any(f" {p} " in folded for p in STRONG_PHRASES):
        return True
    if sum(f" {p} " in folded for p in WEAK_PHRASES) >= 2:
        return True
    if _looks_english(text):
        return TextBlob(text).sentiment.polarity <= NEGATIVE_POLARITY
    return False
