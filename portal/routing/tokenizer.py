"""Vietnamese-aware tokens for the classifier, with no NLTK data needed.

Vietnamese is written in syllables separated by spaces, so a syllable is a token and a
syllable bigram approximates a word ("giấy phép", "hải quan"). Users often type without
diacritics, so every token also appears folded ("giay phep"), and texts typed either way
share features.
"""
from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Function words and pronouns that say nothing about the agency or the category. Matched on the
# exact syllable: folding first would also drop content words ("hồ sơ", "cán bộ", "bồi dưỡng"
# fold to the stop words "ho", "bo", "boi").
STOP_WORDS = frozenset("""
à ạ ai bà bạn bị bởi các cái cần chị chúng cô còn của cũng đã đang đây để đến đi
đó được em gì hay hoặc họ hơn là lại lên lúc mà mình mọi này nếu nên nhé nhỉ như
những nơi nữa ở ơi ông rằng rồi rất sau sẽ ta tại thì thôi theo tôi trên trong từ và
vào về vì với vậy xin ạ thế nào nhưng
""".split())
# Left out on purpose: syllables that, typed without diacritics, are content words: qua (quá
# hạn), cho (chờ, chợ), khi (khí thải), anh (ảnh hưởng), ra (rà soát), một (một cửa).
# Folded forms that are stop words whatever the diacritics were (typed without accents).
FOLDED_STOP_WORDS = frozenset("""
cua va la duoc nhung cac nay voi toi minh nhe nhi roi vao
and are as at but by for from has have is it its of or our that their this was we were with
you your""".split())
# English words left out above because they fold-collide with Vietnamese content words:
# to (tờ khai), so (sổ, số, sơ), the (thẻ), in (in ấn), an (an toàn), my (Mỹ), be (bé); and
# Vietnamese ones that do too: ma (mã số), de (đề nghị), thi (thi công), cung (cung cấp),
# chung (chứng thực).


def fold(text: str) -> str:
    """Remove Vietnamese diacritics: "Đăng ký hộ kinh doanh" → "dang ky ho kinh doanh"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    """Lower-cased syllables with diacritics kept, letters only, stop words removed."""
    words = _WORD.findall(unicodedata.normalize("NFC", text).lower())
    # Folded stop words drop only syllables typed without diacritics: "dược", "nhũng", "cửa" stay.
    return [w for w in words if w not in STOP_WORDS and w not in FOLDED_STOP_WORDS]


def features(document: list[str], train_set: object = None) -> dict[str, bool]:
    """Unigram and bigram features, each with diacritics and folded.

    ``document`` is pre-tokenised (see ``tokens``) so TextBlob never calls NLTK's tokenizer;
    ``train_set`` is TextBlob's word set, which these features do not need.
    """
    folded = [fold(t) for t in document]
    feats: dict[str, bool] = {}
    for word, flat in zip(document, folded):
        feats[f"w:{word}"] = True
        feats[f"f:{flat}"] = True
    for i in range(len(document) - 1):
        feats[f"b:{document[i]}_{document[i + 1]}"] = True
        feats[f"fb:{folded[i]}_{folded[i + 1]}"] = True
    return feats
