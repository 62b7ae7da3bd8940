"""The router (DESIGN §5): tokens, the Naive Bayes tables, the shipped corpus, the model cache,
agency choice, and routing at intake.

Training on the shipped corpus takes ~12 s, so every test shares one model per session
(``routing_model``); tests of training itself use a small slice of the corpus.
"""
from __future__ import annotations

import os
import pickle
from array import array
import unicodedata
from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa
from textblob.classifiers import NaiveBayesClassifier

from portal import clock
from portal.extensions import db
from portal.models import (Agency, Category, EventKind, HoldSegment, Procedure,
                           RoutingSuggestion, Sector, Status, TicketEvent)
from portal.routing import classifier, corpus, evaluation, models_cache, priority, router, tokenizer
from portal.routing.classifier import LogTable
from portal.routing.corpus import Example
from tests.factories import utc

DAY = date(2024, 5, 10)  # inside the 2023 directory's validity (every agency ends in 2025)
NOW = utc(2024, 5, 10, 3, 0)  # 10:00 in Hanoi, a Friday
CUSTOMS = ("Lô hàng linh kiện nhập khẩu bị phân luồng đỏ, tờ khai hải quan nộp từ thứ hai đến "
           "nay chưa được thông quan, hàng nằm ở cảng phát sinh phí lưu container.")
HOUSEHOLD = ("Hồ sơ đăng ký hộ kinh doanh của tôi nộp tại Bộ phận một cửa UBND {place} đã quá "
             "hẹn 10 ngày mà chưa có giấy chứng nhận.")
VAGUE = "Xin chào, cho tôi hỏi việc này nên gửi cho ai ạ?"


@pytest.fixture(scope="session")
def routing_model(app):
    """The model of the shipped corpus, trained (or loaded from the session's cache) once."""
    return models_cache.current_model(app.config)


def folded_features(text: str) -> set[str]:
    return {f for f in tokenizer.features(tokenizer.tokens(text)) if f.startswith(("f:", "fb:"))}


# --- tokenizer -----------------------------------------------------------------------------

def test_tokens_are_lower_cased_syllables_with_diacritics():
    assert tokenizer.tokens("Tờ khai HẢI QUAN số 105/2024, Đăng ký!") == [
        "tờ", "khai", "hải", "quan", "số", "đăng", "ký"]


def test_features_carry_each_syllable_and_bigram_with_and_without_diacritics():
    features = tokenizer.features(tokenizer.tokens("Thông quan chậm"))
    assert features == {
        "w:thông": True, "f:thong": True, "w:quan": True, "f:quan": True,
        "w:chậm": True, "f:cham": True,
        "b:thông_quan": True, "fb:thong_quan": True, "b:quan_chậm": True, "fb:quan_cham": True}


def test_decomposed_input_gives_the_same_tokens_as_composed():
    text = "Cán bộ hải quan đòi bồi dưỡng"
    assert tokenizer.tokens(unicodedata.normalize("NFD", text)) == tokenizer.tokens(text)


@pytest.mark.parametrize("text,content", [
    ("Hồ sơ của tôi bị trả lại", ["hồ", "sơ"]),
    ("Cán bộ một cửa đòi bồi dưỡng", ["cán", "bộ", "một", "cửa", "bồi", "dưỡng"]),
    # Typed without diacritics these are content words (quá hạn, chờ, khí thải, ảnh hưởng).
    ("ho so qua han, cho mai, khi thai anh huong", ["qua", "han", "cho", "khi", "anh"]),
    ("Mã số thuế bị khóa", ["mã", "số", "thuế"]),
    ("Tờ khai không nộp được", ["tờ", "khai"]),
    ("Thẻ BHYT của con tôi in sai", ["thẻ", "bhyt"]),
    # Content syllables whose folded form is a folded stop word ("nhung", "duoc", "cua").
    ("Cán bộ nhũng nhiễu", ["nhũng", "nhiễu"]),
    ("Chứng chỉ hành nghề dược", ["dược"]),
    ("Hàng tắc ở cửa khẩu", ["cửa", "khẩu"]),
])
def test_stop_words_are_removed_on_the_exact_syllable_only(text, content):
    tokens = tokenizer.tokens(text)
    assert all(word in tokens for word in content), tokens
    # The function words of the same sentences are gone.
    assert not {"của", "tôi", "bị", "được", "ở", "lại"} & set(tokens)


def test_stop_words_typed_without_diacritics_are_removed():
    tokens = tokenizer.tokens("ho so cua toi va giay to duoc tra")
    assert tokens == ["ho", "so", "giay", "to", "tra"]


@pytest.mark.parametrize("text", [
    "Cán bộ thuế đòi bồi dưỡng mới giải quyết hoàn thuế giá trị gia tăng",
    "Công ty xin cấp giấy phép xây dựng nhà xưởng, hồ sơ nộp đủ nhưng cán bộ yêu cầu bổ sung "
    "nhiều lần",
    "Cổng thông tin quốc gia báo lỗi khi doanh nghiệp đăng ký thay đổi vốn điều lệ",
])
def test_unaccented_and_accented_texts_share_all_folded_features(text):
    """Users type without diacritics: both spellings give the same folded features. (Sentences
    with a syllable that is a stop word in one spelling only, e.g. "quả"/"qua", "đã"/"da",
    differ by that syllable: stop words are matched exactly, see the tokenizer.)"""
    unaccented = tokenizer.fold(text)
    assert unaccented.isascii()
    assert folded_features(unaccented) == folded_features(text)
    assert folded_features(text)


# --- the Naive Bayes tables ------------------------------------------------------------------

SMALL_SET = [
    ("Tờ khai hải quan chưa được thông quan, hàng nằm ở cảng", "customs"),
    ("to khai hai quan bi phan luong do, cho kiem hoa ca tuan", "customs"),
    ("Hải quan cửa khẩu giữ container nhập khẩu quá lâu", "customs"),
    ("Hồ sơ hoàn thuế giá trị gia tăng chậm ba tháng", "tax"),
    ("chi cuc thue khoa ma so thue cong ty vo ly", "tax"),
    ("Cán bộ thuế đòi bồi dưỡng khi quyết toán thuế", "tax"),
    ("Giấy phép xây dựng nhà xưởng quá hạn chưa cấp", "construction"),
    ("xin giay phep xay dung nha o bi tra ho so nhieu lan", "construction"),
]


@pytest.mark.parametrize("text", [
    "Lô hàng nhập khẩu bị giữ ở cảng, tờ khai chưa thông quan",
    "hoan thue cham, can bo thue doi boi duong",
    "Giấy phép xây dựng bị trả lại hồ sơ",
    "Một câu không có từ nào đã học",
    "",
])
def test_log_table_gives_textblobs_probabilities(text):
    textblob_nb = NaiveBayesClassifier([(tokenizer.tokens(t), label) for t, label in SMALL_SET],
                                       feature_extractor=tokenizer.features)
    table = LogTable(textblob_nb)
    tokens = tokenizer.tokens(text)
    scores = table.log_scores(tokenizer.features(tokens))
    expected = textblob_nb.prob_classify(tokens)
    assert table.labels == ["construction", "customs", "tax"]
    for label, score in zip(table.labels, scores):
        assert 2 ** score == pytest.approx(expected.prob(label), abs=1e-9)


def test_the_model_keeps_its_tables_flat(routing_model):
    """One array per table and one feature map for both (issue 8: every worker holds the
    model; an array per feature doubled its memory)."""
    for table in (routing_model.sector, routing_model.category):
        assert isinstance(table.values, array)
        assert len(table.values) == len(table.rows) * len(table.labels)
    assert routing_model.category.rows is routing_model.sector.rows


# --- the shipped corpus ----------------------------------------------------------------------

def test_corpus_has_forty_examples_per_sector_and_category():
    examples = corpus.training_examples()
    sectors = Counter(e.sector for e in examples)
    categories = Counter(e.category for e in examples)
    assert set(sectors) == set(Sector.__members__)
    assert set(categories) == set(Category.__members__)
    assert min(sectors.values()) >= 40, sectors.most_common()[-3:]
    assert min(categories.values()) >= 40, categories
    assert all(e.text.strip() for e in examples)


def test_corpus_is_written_with_and_without_diacritics():
    examples = corpus.training_examples()
    unaccented = sum(e.text.isascii() for e in examples)
    assert 0.1 * len(examples) <= unaccented <= 0.9 * len(examples)


def _normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def test_evaluation_file_is_never_trained_on():
    files = corpus.training_files()
    assert files and corpus.EVALUATION_FILE not in files
    assert not any(os.path.samefile(p, corpus.EVALUATION_FILE) for p in files)
    training = {_normalised(e.text) for e in corpus.training_examples()}
    held_out = corpus.read_jsonl(corpus.EVALUATION_FILE)
    assert len(held_out) >= 200
    assert not training & {_normalised(e.text) for e in held_out}
    assert {e.sector for e in held_out} == set(Sector.__members__)


def test_acceptance_accuracy_on_the_evaluation_file(routing_model):
    report = evaluation.evaluate(routing_model, corpus.read_jsonl(corpus.EVALUATION_FILE))
    figures = (report["sector"]["accuracy"], report["sector"]["top3_accuracy"],
               report["category"]["accuracy"])
    assert report["sector"]["accuracy"] >= 0.80, figures
    assert report["sector"]["top3_accuracy"] >= 0.95, figures
    assert report["category"]["accuracy"] >= 0.75, figures


def test_evaluation_report_counts_per_class_and_confusion():
    class Fixed:  # always "tax", then "customs", then "bank"; category always "delay"
        def predict(self, text):
            ranked = [classifier.Ranked(label, p) for label, p in
                      (("tax", 0.6), ("customs", 0.3), ("bank", 0.1))]
            return classifier.Prediction(ranked, [classifier.Ranked("delay", 1.0)])

    examples = [Example("a", "tax", "delay"), Example("b", "customs", "policy"),
                Example("c", "police", "delay"), Example("d", "tax", "delay")]
    report = evaluation.evaluate(Fixed(), examples)
    assert report["examples"] == 4
    assert report["sector"]["accuracy"] == 0.5 and report["sector"]["top3_accuracy"] == 0.75
    assert report["sector"]["per_class"] == {
        "customs": {"n": 1, "accuracy": 0.0}, "police": {"n": 1, "accuracy": 0.0},
        "tax": {"n": 2, "accuracy": 1.0}}
    assert report["sector"]["confusion"] == {"customs": {"tax": 1}, "police": {"tax": 1},
                                             "tax": {"tax": 2}}
    assert report["category"]["accuracy"] == 0.75


# --- the model cache -------------------------------------------------------------------------

def _slice(per_sector: int) -> list[Example]:
    """A few examples of each sector of the shipped corpus (quick to train)."""
    seen: Counter = Counter()
    picked = []
    for e in corpus.training_examples():
        if seen[e.sector] < per_sector:
            seen[e.sector] += 1
            picked.append(e)
    return picked


def test_load_or_train_caches_the_model_by_corpus_fingerprint(tmp_path, monkeypatch):
    examples = _slice(3)
    first = classifier.load_or_train(examples, str(tmp_path))
    path = tmp_path / f"routing-{classifier.MODEL_VERSION}-{corpus.fingerprint(examples)}.pickle"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    written = path.stat().st_mtime_ns

    def no_training(*args, **kwargs):
        raise AssertionError("the cached model should have been loaded")
    monkeypatch.setattr(classifier, "_train", no_training)
    again = classifier.load_or_train(examples, str(tmp_path))
    assert path.stat().st_mtime_ns == written
    assert again is not first and again.fingerprint == first.fingerprint
    assert again.predict(CUSTOMS) == first.predict(CUSTOMS)
    monkeypatch.undo()

    changed = [*examples[:-1], Example(examples[-1].text + " nữa", examples[-1].sector,
                                       examples[-1].category)]
    assert corpus.fingerprint(changed) != corpus.fingerprint(examples)
    classifier.load_or_train(changed, str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([
        path.name, f"routing-{classifier.MODEL_VERSION}-{corpus.fingerprint(changed)}.pickle"])
    assert path.stat().st_mtime_ns == written
    with open(path, "rb") as fh:
        assert isinstance(pickle.load(fh), classifier.Model)


def test_the_fingerprint_depends_on_labels_and_text():
    e = Example("Tờ khai hải quan", "customs", "delay")
    assert corpus.fingerprint([e]) == corpus.fingerprint([Example(e.text, e.sector, e.category)])
    assert len({corpus.fingerprint([e]), corpus.fingerprint([Example(e.text, "tax", "delay")]),
                corpus.fingerprint([Example(e.text, "customs", "policy")]),
                corpus.fingerprint([e, e])}) == 4


def test_reading_a_malformed_file_names_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "a", "sector": "tax", "category": "delay"}\n\n{"text": "b"}\n',
                    encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:3: not a labelled example"):
        corpus.read_jsonl(path)


# --- the router: sector → agency --------------------------------------------------------------

def route(model, text: str, locality: str = "", *, day: date = DAY, threshold: float = 0.6):
    return router.route(text, locality, day=day, model=model, threshold=threshold)


def test_a_clear_customs_text_goes_to_the_customs_branch(routing_model, directory):
    decision = route(routing_model, CUSTOMS)
    assert decision.prediction.sector.label == "customs"
    assert decision.agency is not None and decision.agency.code == "TB-HQ"
    assert len(decision.suggestions) == 3
    assert [a.code for a in decision.suggestions[0].agencies] == ["TB-HQ"]


def test_no_agencys_business_is_never_auto_assigned(routing_model, directory):
    # "other" (a utility bill) has no responsible agency: a coordinator must look at it.
    decision = route(routing_model, "Hóa đơn tiền điện tháng này của điện lực tăng gấp ba, "
                     "gọi tổng đài EVN không ai nghe, đề nghị kiểm tra lại công tơ", threshold=0.0)
    assert decision.prediction.sector.label == "other"
    assert decision.agency is None


def test_unaccented_text_is_routed_the_same_way(routing_model, directory):
    decision = route(routing_model, tokenizer.fold(CUSTOMS))
    assert decision.agency is not None and decision.agency.code == "TB-HQ"


@pytest.mark.parametrize("place,code", [
    ("huyện Đông Hưng", "TB-UBND-DH"),
    ("thành phố Thái Bình", "TB-UBND-TP"),
    ("huyen Tien Hai", "TB-UBND-TH"),
])
def test_a_peoples_committee_is_picked_by_the_place_named(routing_model, directory, place, code):
    decision = route(routing_model, HOUSEHOLD.format(place=place))
    assert decision.prediction.sector.label == "local_government"
    assert [a.code for a in decision.suggestions[0].agencies] == [code]
    assert decision.agency is not None and decision.agency.code == code


def test_the_reporters_locality_picks_the_committee_too(routing_model, directory):
    decision = route(routing_model, HOUSEHOLD.format(place="huyện"), "Xã Đông Hợp, Đông Hưng")
    assert decision.agency is not None and decision.agency.code == "TB-UBND-DH"


def test_several_fitting_committees_go_to_triage(routing_model, directory):
    decision = route(routing_model, HOUSEHOLD.format(place="huyện Đông Hưng, trước đây ở huyện Vũ "
                                                          "Thư"))
    assert decision.prediction.sector.probability >= 0.6
    assert [a.code for a in decision.suggestions[0].agencies] == ["TB-UBND-DH", "TB-UBND-VT"]
    assert decision.agency is None


def test_the_province_is_not_the_city(routing_model, directory):
    text = HOUSEHOLD.format(place="ở tỉnh Thái Bình")
    assert router.fitting_agencies(["local_government"], "", text, DAY) == {"local_government": []}
    decision = route(routing_model, text)
    assert decision.prediction.sector.label == "local_government"
    assert decision.suggestions[0].agencies == [] and decision.agency is None
    # Both named: the city is meant.
    both = router.fitting_agencies(["local_government"], "",
                                   "UBND thành phố Thái Bình, tỉnh Thái Bình", DAY)
    assert [a.code for a in both["local_government"]] == ["TB-UBND-TP"]


def test_after_the_merger_the_router_suggests_only_todays_agencies(routing_model, directory):
    decision = route(routing_model, CUSTOMS, day=date(2026, 3, 2))
    assert decision.prediction.sector.label == "customs"
    assert decision.agency.code == "HQ-KV3"
    suggested = [db.session.get(Agency, a.id) for s in decision.suggestions for a in s.agencies]
    assert suggested and all(a.is_valid_on(date(2026, 3, 2)) for a in suggested)


@pytest.mark.parametrize("sector,day,codes", [
    ("planning_investment", date(2024, 5, 10), ["TB-SKHDT"]),
    ("planning_investment", date(2025, 4, 1), ["TB-STC"]),       # merged into finance 1/3/2025
    ("planning_investment", date(2026, 3, 2), ["HY-STC"]),
    ("labour", date(2026, 3, 2), ["HY-SNV"]),
    ("natural_resources", date(2025, 4, 1), ["TB-SNNMT"]),
    ("information_communications", date(2026, 3, 2), ["HY-SKHCN"]),
])
def test_sectors_map_to_the_merged_departments(directory, sector, day, codes):
    assert [a.code for a in router.fitting_agencies([sector], "", "", day)[sector]] == codes


def test_a_commune_picks_its_committee_after_the_merger(directory):
    local = ["local_government"]
    found = router.fitting_agencies(local, "Xã Thư Vũ, Tỉnh Hưng Yên", "", date(2026, 3, 2))
    assert [a.locality for a in found["local_government"]] == ["Xã Thư Vũ"]
    assert router.fitting_agencies(local, "huyện Vũ Thư", "", date(2026, 3, 2)) == {
        "local_government": []}


def test_below_the_threshold_nothing_is_chosen(routing_model, directory):
    vague = route(routing_model, VAGUE)
    assert vague.prediction.sector.probability < 0.6 and vague.agency is None
    clear = route(routing_model, CUSTOMS)
    assert clear.agency is not None
    unsure = route(routing_model, CUSTOMS, threshold=clear.prediction.sector.probability + 1e-6)
    assert unsure.agency is None
    assert [a.code for a in unsure.suggestions[0].agencies] == ["TB-HQ"]


def test_english_text_is_routed(routing_model, directory):
    decision = route(routing_model, "Our shipment of machine parts has been stuck at the port for "
                     "two weeks waiting for customs clearance; the officers keep asking for more "
                     "documents.")
    assert "customs" in [s.sector for s in decision.suggestions]


# --- routing at intake ---------------------------------------------------------------------

@pytest.fixture
def auto_assign(app, monkeypatch, directory, routing_model):
    clock.freeze(NOW)  # the db fixture unfreezes it
    monkeypatch.setitem(app.config, "ROUTING_AUTO_ASSIGN", True)
    return routing_model


def suggestion(ticket) -> RoutingSuggestion | None:
    return sa.inspect(ticket).session.get(RoutingSuggestion, ticket.id)


def events(db, ticket) -> list[tuple]:
    return [(e.kind, e.to_agency.code if e.to_agency else None) for e in db.session.scalars(
        sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id))]


def segments(db, ticket) -> list[str]:
    return [s.agency.code for s in db.session.scalars(
        sa.select(HoldSegment).where(HoldSegment.ticket_id == ticket.id))]


def test_a_report_without_agency_is_assigned_by_the_router(auto_assign, make_ticket, db):
    ticket, _ = make_ticket(subject="Hàng nhập khẩu chưa được thông quan", description=CUSTOMS)
    assert ticket.status == Status.assigned and ticket.agency.code == "TB-HQ"
    assert events(db, ticket) == [(EventKind.filed, None), (EventKind.assigned, "TB-HQ")]
    assert segments(db, ticket) == ["TB-HQ"]
    stored = suggestion(ticket)
    assert stored.auto_assigned and stored.sector == "customs"
    assert stored.alternatives[0]["agencies"] == ["TB-HQ"] and len(stored.alternatives) == 3
    assert stored.model_version == classifier.MODEL_VERSION


def test_without_auto_assignment_the_router_only_suggests(auto_assign, app, monkeypatch,
                                                         make_ticket, db):
    monkeypatch.setitem(app.config, "ROUTING_AUTO_ASSIGN", False)
    ticket, _ = make_ticket(subject="Hàng nhập khẩu chưa được thông quan", description=CUSTOMS)
    assert ticket.status == Status.new and ticket.agency is None
    assert segments(db, ticket) == []
    stored = suggestion(ticket)
    assert not stored.auto_assigned and stored.alternatives[0]["agencies"] == ["TB-HQ"]


def test_the_reporters_own_agency_is_kept(auto_assign, monkeypatch, make_ticket, db):
    from portal.routing import triage

    def not_consulted(*args, **kwargs):
        raise AssertionError("the router was consulted")
    monkeypatch.setattr(triage, "route_new_report", not_consulted)
    ticket, _ = make_ticket(agency_code="TB-SXD", subject="Hàng chưa thông quan",
                            description=CUSTOMS)
    assert ticket.agency.code == "TB-SXD" and ticket.status == Status.assigned
    assert suggestion(ticket) is None
    assert segments(db, ticket) == ["TB-SXD"]


def test_a_named_procedure_decides_the_agency(auto_assign, make_ticket, db):
    procedure = db.session.scalar(sa.select(Procedure).where(
        Procedure.code == "IMPORT-CUSTOMS-CLEARANCE"))
    ticket, _ = make_ticket(procedure_id=procedure.id, subject="Giấy phép xây dựng quá hạn",
                            description="Xin giấy phép xây dựng nhà xưởng đã quá hạn hai tháng.")
    assert ticket.agency.code == "TB-HQ" and suggestion(ticket) is None


def test_a_vague_report_waits_in_triage_with_three_suggestions(auto_assign, make_ticket, db):
    ticket, _ = make_ticket(subject="Hỏi thông tin", description=VAGUE, category="other")
    assert ticket.status == Status.new and ticket.agency is None
    assert segments(db, ticket) == [] and [k for k, _ in events(db, ticket)] == [EventKind.filed]
    stored = suggestion(ticket)
    assert not stored.auto_assigned and stored.confidence < 0.6
    assert len(stored.alternatives) == 3
    assert len({a["sector"] for a in stored.alternatives}) == 3
    assert all(set(a) == {"sector", "probability", "agencies"} for a in stored.alternatives)
    # The reporter's category is kept; the router's guess is only stored.
    assert ticket.category == Category.other


def test_a_broken_router_still_files_the_report_into_triage(auto_assign, monkeypatch, make_ticket,
                                                          caplog):
    def broken(config):
        raise OSError("model file unreadable")
    monkeypatch.setattr(models_cache, "current_model", broken)
    ticket, receipt = make_ticket(subject="Hàng nhập khẩu chưa được thông quan",
                                  description=CUSTOMS)
    assert receipt and ticket.id is not None
    assert ticket.status == Status.new and ticket.agency is None
    assert suggestion(ticket) is None
    assert "routing failed" in caplog.text


def test_routing_can_be_switched_off(auto_assign, app, monkeypatch, make_ticket):
    monkeypatch.setitem(app.config, "ROUTING_ENABLED", False)
    ticket, _ = make_ticket(subject="Hàng nhập khẩu chưa được thông quan", description=CUSTOMS)
    assert ticket.status == Status.new and suggestion(ticket) is None


@pytest.mark.parametrize("subject,description,flag", [
    ("Hồ sơ xây dựng quá hạn", "Doanh nghiệp rất bức xúc vì hồ sơ bị trả lại lần thứ ba.", True),
    ("Đề nghị xử lý khẩn cấp", "Hàng tươi sống nằm ở cảng, cần thông quan ngay.", True),
    ("ho so qua han", "chung toi buc xuc vi ho so bi tra lai lan thu ba", True),
    ("Customs clearance", "This is outrageous. The customs officers were rude and useless, the "
     "worst service we have ever had, and we are furious.", True),
    ("Customs clearance", "We would like to ask which documents are needed for customs clearance "
     "of our imported machines. Thank you for your help.", False),
    ("Hỏi thủ tục", "Công ty muốn hỏi hồ sơ đăng ký thay đổi địa chỉ trụ sở cần những giấy tờ "
     "gì.", False),
])
def test_urgent_or_angry_reports_get_the_priority_flag(auto_assign, make_ticket, subject,
                                                       description, flag):
    assert priority.is_priority(f"{subject}\n{description}") is flag
    ticket, _ = make_ticket(agency_code="TB-HQ", subject=subject, description=description)
    assert ticket.priority is flag
