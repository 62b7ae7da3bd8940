"""Vietnamese texts for demo reports: the routing corpus for descriptions (so routing meets
realistic wording), templates for subjects, answers, reasons and comments."""
from __future__ import annotations

import random
from collections import defaultdict
from functools import lru_cache

from portal.routing import corpus

# What reports in each sector are typically about (used in subjects).
TOPICS: dict[str, tuple[str, ...]] = {
    "planning_investment": ("đăng ký thành lập doanh nghiệp",
                            "thay đổi nội dung đăng ký kinh doanh",
                            "chủ trương đầu tư dự án", "giấy chứng nhận đăng ký đầu tư"),
    "finance": ("thanh toán vốn đầu tư công", "thẩm định giá", "quyết toán dự án"),
    "tax": ("hoàn thuế giá trị gia tăng", "hóa đơn điện tử", "quyết toán thuế", "mã số thuế"),
    "customs": ("thông quan hàng xuất khẩu", "kiểm hóa hàng nhập khẩu", "tờ khai hải quan"),
    "natural_resources": ("cấp giấy chứng nhận quyền sử dụng đất", "giao đất, cho thuê đất",
                          "đánh giá tác động môi trường", "giấy phép môi trường"),
    "construction": ("giấy phép xây dựng", "thẩm định thiết kế cơ sở", "nghiệm thu công trình",
                     "đấu nối giao thông"),
    "industry_trade": ("đấu nối điện", "giấy phép kinh doanh xăng dầu", "chứng nhận xuất xứ C/O"),
    "labour": ("giấy phép lao động cho người nước ngoài", "nội quy lao động", "đào tạo nghề"),
    "home_affairs": ("thi đua khen thưởng", "thủ tục tôn giáo", "thành lập hội"),
    "social_insurance": ("sổ bảo hiểm xã hội", "chốt sổ bảo hiểm", "thẻ bảo hiểm y tế"),
    "police": ("phòng cháy chữa cháy", "cấp con dấu", "giấy chứng nhận an ninh trật tự"),
    "justice": ("lý lịch tư pháp", "công chứng, chứng thực", "đăng ký giao dịch bảo đảm"),
    "agriculture": ("kiểm dịch thực vật", "chứng nhận an toàn thực phẩm nông sản", "thủy lợi"),
    "information_communications": ("giấy phép bưu chính", "giấy phép trang thông tin điện tử",
                                   "hạ tầng viễn thông"),
    "science_technology": ("đăng ký nhãn hiệu", "kiểm định đo lường", "đổi mới công nghệ"),
    "education": ("cấp phép trung tâm ngoại ngữ", "liên kết đào tạo", "trường mầm non tư thục"),
    "health": ("giấy phép hành nghề khám chữa bệnh", "công bố mỹ phẩm", "an toàn thực phẩm"),
    "culture_tourism": ("giấy phép lữ hành", "quảng cáo ngoài trời", "kinh doanh karaoke"),
    "local_government": ("chứng thực hợp đồng", "giải phóng mặt bằng", "hộ kinh doanh",
                         "xác nhận tình trạng nhà ở"),
    "economic_zone": ("thuê đất trong khu công nghiệp", "điều chỉnh dự án trong KCN",
                      "giấy phép xây dựng trong KCN"),
    "bank": ("vay vốn ưu đãi", "tín dụng cho doanh nghiệp nhỏ", "mở tài khoản doanh nghiệp"),
    "inspectorate": ("kết luận thanh tra", "thanh tra chồng chéo", "giải quyết khiếu nại"),
    "ppc_office": ("trả lời kiến nghị của UBND tỉnh", "lịch tiếp doanh nghiệp", "văn bản chỉ đạo"),
    "service_center": ("tiếp nhận hồ sơ một cửa", "trả kết quả trực tuyến",
                       "dịch vụ công mức độ 4"),
    "association": ("kết nối doanh nghiệp", "đối thoại doanh nghiệp", "hỗ trợ pháp lý"),
    "other": ("thủ tục hành chính", "hồ sơ của doanh nghiệp"),
}

SUBJECTS: dict[str, tuple[str, ...]] = {
    "delay": ("Hồ sơ {topic} quá hạn chưa có kết quả", "Chậm giải quyết {topic}",
              "Đã quá thời hạn luật định nhưng chưa nhận được {topic}",
              "Đề nghị đẩy nhanh tiến độ {topic}", "Hồ sơ {topic} bị treo nhiều ngày"),
    "harassment": ("Cán bộ gây khó khăn khi làm {topic}",
                   "Phản ánh việc gợi ý chi phí ngoài khi làm {topic}",
                   "Thái độ không đúng mực khi tiếp nhận hồ sơ {topic}",
                   "Yêu cầu giấy tờ ngoài quy định khi làm {topic}"),
    "unclear_procedure": ("Hướng dẫn không thống nhất về {topic}",
                          "Không rõ thành phần hồ sơ {topic}",
                          "Mỗi lần nộp một yêu cầu khác nhau khi làm {topic}",
                          "Đề nghị công khai quy trình {topic}"),
    "policy": ("Kiến nghị sửa đổi quy định về {topic}", "Quy định về {topic} chưa phù hợp thực tế",
               "Đề nghị đơn giản hóa {topic}"),
    "other": ("Góp ý về {topic}", "Kiến nghị liên quan đến {topic}", "Hỏi về {topic}"),
}

ANSWERS = (
    "Cảm ơn doanh nghiệp đã phản ánh. Sau khi kiểm tra, đơn vị đã chỉ đạo bộ phận chuyên môn "
    "giải quyết hồ sơ và trả kết quả cho doanh nghiệp.",
    "Đơn vị đã làm việc với công chức được phân công, rút kinh nghiệm và hoàn tất hồ sơ. "
    "Kết quả đã được trả qua Cổng dịch vụ công.",
    "Nội dung phản ánh là có cơ sở. Đơn vị xin lỗi doanh nghiệp và đã điều chỉnh quy trình "
    "để không tái diễn.",
    "Qua rà soát, hồ sơ còn thiếu thành phần theo quy định; đơn vị đã hướng dẫn cụ thể một lần "
    "bằng văn bản để doanh nghiệp bổ sung.",
    "Đơn vị ghi nhận kiến nghị và đã tổng hợp gửi cơ quan có thẩm quyền xem xét sửa đổi quy định.",
)
HARASSMENT_ANSWERS = (
    "Thủ trưởng đơn vị đã tổ chức kiểm điểm công chức liên quan và xử lý theo quy định; "
    "đơn vị xin lỗi doanh nghiệp.",
    "Qua xác minh, đơn vị đã tạm đình chỉ công tác tiếp nhận hồ sơ của công chức bị phản ánh "
    "và chuyển kết quả xác minh cho Thanh tra tỉnh.",
    "Đơn vị chưa đủ căn cứ kết luận vi phạm; đã nhắc nhở toàn bộ bộ phận một cửa và công khai "
    "đường dây nóng để doanh nghiệp phản ánh trực tiếp.",
)
LEGAL_BASES = (
    "Nghị định 61/2018/NĐ-CP về thực hiện cơ chế một cửa, một cửa liên thông",
    "Nghị định 20/2008/NĐ-CP về tiếp nhận, xử lý phản ánh, kiến nghị",
    "Luật Doanh nghiệp 2020, Điều 26", "Luật Đầu tư 2020, Điều 33",
    "Luật Đất đai 2024, Điều 136", "Luật Xây dựng 2014 (sửa đổi 2020), Điều 102",
    "Luật Quản lý thuế 2019, Điều 75", "Luật Hải quan 2014, Điều 23",
    "Nghị định 45/2020/NĐ-CP về thực hiện thủ tục hành chính trên môi trường điện tử",
    "Luật Cán bộ, công chức, Điều 18",
)
INFO_QUESTIONS = (
    "Đề nghị doanh nghiệp cung cấp mã hồ sơ và ngày nộp để đơn vị tra cứu.",
    "Đề nghị cho biết tên bộ phận và thời điểm làm việc để đơn vị xác minh.",
    "Đề nghị gửi bản chụp phiếu hẹn trả kết quả.",
)
REPLIES = (
    "Mã hồ sơ và phiếu hẹn tôi đã gửi kèm, nhờ đơn vị kiểm tra giúp.",
    "Tôi nộp hồ sơ buổi sáng tại bộ phận một cửa, có phiếu tiếp nhận.",
    "Đã bổ sung thông tin theo yêu cầu.",
)
TRANSFER_REASONS = (
    "Nội dung thuộc thẩm quyền của cơ quan khác, đề nghị điều phối lại.",
    "Thủ tục này không do đơn vị giải quyết.",
    "Hồ sơ được tiếp nhận tại địa phương khác; đề nghị chuyển đúng đơn vị.",
)
REJECT_REASONS = (
    "Nội dung trùng với phản ánh đã được tiếp nhận trước đó.",
    "Nội dung không liên quan đến thủ tục hành chính.",
    "Phản ánh không có nội dung cụ thể để xem xét.",
)
EXTENSION_REASONS = ("Cần xác minh với nhiều cơ quan liên quan.",
                     "Cần kiểm tra thực địa trước khi trả lời.")
APOLOGIES = ("Đơn vị xin lỗi doanh nghiệp vì cần thêm thời gian để trả lời đầy đủ.",
             "Thành thật xin lỗi vì sự chậm trễ; đơn vị sẽ trả lời trong thời hạn gia hạn.")
REOPEN_REASONS = ("Câu trả lời chưa giải quyết được vấn đề, hồ sơ vẫn chưa có kết quả.",
                  "Đơn vị trả lời chung chung, không nêu thời hạn cụ thể.",
                  "Sau khi trả lời vẫn bị yêu cầu bổ sung giấy tờ như cũ.")
COMMENTS_GOOD = ("Cảm ơn đơn vị đã xử lý nhanh.", "Trả lời rõ ràng, cụ thể.", "")
COMMENTS_BAD = ("Trả lời chậm và chưa thỏa đáng.", "Chưa giải quyết dứt điểm.", "")

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hương", "Lan", "Long", "Mai", "Nam", "Phương",
         "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Việt")
BUSINESS = ("Công ty TNHH {name} Thái Bình", "Công ty CP {name}", "Hợp tác xã {name}",
            "Công ty TNHH MTV {name}", "Hộ kinh doanh {name}")
BUSINESS_NAMES = ("Minh Phát", "Hưng Thịnh", "An Khang", "Đại Dương", "Kiến Xương", "Vũ Thư Food",
                  "Tiền Hải Gas", "Đông Hưng Textile", "Quỳnh Phụ Agri", "Sông Trà", "Hoàng Long")


@lru_cache(maxsize=1)
def _texts_by_label() -> dict[tuple[str, str], tuple[str, ...]]:
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in corpus.training_files():
        for example in corpus.read_jsonl(path):
            grouped[(example.sector, example.category)].append(example.text)
    return {label: tuple(texts) for label, texts in grouped.items()}


def description(rng: random.Random, sector: str, category: str) -> str:
    texts = _texts_by_label().get((sector, category)) or _texts_by_label()[("other", category)]
    return rng.choice(texts)


def subject(rng: random.Random, sector: str, category: str) -> str:
    topic = rng.choice(TOPICS.get(sector, TOPICS["other"]))
    return rng.choice(SUBJECTS[category]).format(topic=topic)


def person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def business(rng: random.Random) -> str:
    return rng.choice(BUSINESS).format(name=rng.choice(BUSINESS_NAMES))


def answer(rng: random.Random, category: str) -> str:
    return rng.choice(HARASSMENT_ANSWERS if category == "harassment" else ANSWERS)
