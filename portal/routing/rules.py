"""Keyword rules: phrases that name a sector's procedures or documents unambiguously.

The Naive Bayes model learns from a few hundred examples per sector; these phrases carry
what any civil servant knows ("tờ khai hải quan" is customs). Each matched phrase multiplies
the sector's odds (see ``Model.predict``). Phrases are folded (no diacritics), lower case,
matched on whole words, so "to khai hai quan" and "tờ khai hải quan" both match.
"""
from __future__ import annotations

import re

from portal.routing.tokenizer import fold

SECTOR_PHRASES: dict[str, tuple[str, ...]] = {
    "planning_investment": (
        "dang ky doanh nghiep", "dang ky kinh doanh", "giay chung nhan dang ky doanh nghiep",
        "chu truong dau tu", "giay chung nhan dang ky dau tu", "ma so doanh nghiep",
        "thay doi dang ky", "giai the doanh nghiep", "tam ngung kinh doanh", "von dieu le",
        "nganh nghe kinh doanh", "thanh lap cong ty", "phong dang ky kinh doanh", "nha dau tu"),
    "finance": (
        "ngan sach", "tai san cong", "thanh toan von", "von dau tu cong", "kho bac",
        "dau gia tai san cong", "gia dat cu the", "quyet toan du an", "tham dinh gia",
        "hoa don ban tai san cong", "bang gia"),
    "tax": (
        "hoan thue", "ma so thue", "hoa don dien tu", "quyet toan thue", "chi cuc thue",
        "cuc thue", "thue gtgt", "thue thu nhap doanh nghiep", "thue tndn", "thue tncn",
        "to khai thue", "phat cham nop", "tien cham nop", "cuong che no thue", "le phi mon bai",
        "thue mon bai", "thanh tra thue", "kiem tra thue", "khoa ma so thue", "thue khoan"),
    "customs": (
        "hai quan", "thong quan", "to khai hai quan", "phan luong", "luong do", "luong vang",
        "kiem hoa", "ma hs", "c o", "xuat nhap khau", "nhap khau", "xuat khau", "container",
        "kho ngoai quan", "thue nhap khau", "cang hai phong", "customs", "clearance"),
    "natural_resources": (
        "so do", "giay chung nhan quyen su dung dat", "quyen su dung dat", "chuyen muc dich",
        "giao dat", "cho thue dat", "do dac", "dia chinh", "van phong dang ky dat dai",
        "giay phep moi truong", "danh gia tac dong moi truong", "dtm", "xa thai", "khoang san",
        "khai thac cat", "tai nguyen nuoc", "quan trac moi truong", "bien dong dat dai"),
    "construction": (
        "giay phep xay dung", "tham dinh thiet ke", "thiet ke co so", "quy hoach xay dung",
        "quy hoach chi tiet", "chung chi hanh nghe xay dung", "nghiem thu cong trinh",
        "khu do thi", "nha o xa hoi", "chu dau tu du an", "ban ve thiet ke", "so xay dung",
        "giao thong", "dang kiem", "giay phep lai xe", "cap phep thi cong"),
    "industry_trade": (
        "cap dien", "dau noi dien", "tram bien ap", "kinh doanh xang dau", "cua hang xang dau",
        "ban le ruou", "san xuat ruou", "thuoc la", "hoa chat", "quan ly thi truong",
        "cum cong nghiep", "khuyen cong", "xuc tien thuong mai", "thuong mai dien tu",
        "cong thuong", "an toan dien", "hoi cho", "ban hang da cap", "tiet kiem nang luong"),
    "labour": (
        "giay phep lao dong", "work permit", "nguoi lao dong nuoc ngoai", "noi quy lao dong",
        "thang bang luong", "an toan lao dong", "tro cap that nghiep", "dao tao nghe",
        "giao duc nghe nghiep", "cho thue lai lao dong", "thuong binh", "tranh chap lao dong",
        "luong toi thieu", "hop dong lao dong", "dich vu viec lam", "xuat khau lao dong"),
    "home_affairs": (
        "thi dua khen thuong", "bang khen", "to chuc bo may", "thanh lap hoi", "dieu le hoi",
        "quy xa hoi", "quy tu thien", "ton giao", "tin nguong", "cai cach hanh chinh",
        "cong chuc", "vien chuc", "tuyen dung cong chuc", "so noi vu", "van thu luu tru"),
    "social_insurance": (
        "bao hiem xa hoi", "bhxh", "so bhxh", "so bao hiem", "chot so", "the bhyt",
        "bao hiem y te", "che do thai san", "om dau", "truy thu", "no bhxh", "cham dong",
        "huu tri", "luong huu", "bao hiem that nghiep", "giam dinh bhyt", "ma so bhxh"),
    "police": (
        "phong chay chua chay", "pccc", "tham duyet", "cong an", "con dau", "dang ky xe",
        "bien so xe", "an ninh trat tu", "tam tru", "cu tru", "csgt", "canh sat giao thong",
        "can cuoc", "vneid", "dinh danh dien tu", "xuat nhap canh", "the tam tru", "ho chieu"),
    "justice": (
        "ly lich tu phap", "cong chung", "van phong cong chung", "tu phap", "tro giup phap ly",
        "ho tro phap ly", "dau gia tai san", "thua phat lai", "boi thuong nha nuoc",
        "van ban quy pham phap luat", "tham dinh van ban", "quoc tich", "ho tich", "luat su"),
    "agriculture": (
        "kiem dich", "thu y", "phan bon", "thuoc bao ve thuc vat", "bao ve thuc vat",
        "giong cay trong", "giong lua", "chan nuoi", "trang trai", "thuy san", "tau ca",
        "khai thac thuy san", "dich ta lon", "thuy loi", "de dieu", "cong trinh thuy loi",
        "nong lam thuy san", "ocop", "htx nong nghiep", "hop tac xa nong nghiep", "lam nghiep"),
    "information_communications": (
        "trang thong tin dien tu", "mang xa hoi", "giay phep bao chi", "co quan bao chi",
        "xuat ban", "giay phep in", "co so in", "vien thong", "cot bts", "tram bts", "buu chinh",
        "chu ky so", "ten mien", "dich vu cong truc tuyen", "phat thanh truyen hinh",
        "thong tin va truyen thong", "an toan thong tin", "chuyen doi so"),
    "science_technology": (
        "tieu chuan do luong chat luong", "do luong", "kiem dinh", "hop chuan", "hop quy",
        "cong bo hop quy", "so huu tri tue", "nhan hieu", "sang che", "chuyen giao cong nghe",
        "doanh nghiep khoa hoc", "de tai khoa hoc", "ma so ma vach", "buc xa", "an toan buc xa",
        "khoa hoc va cong nghe", "tem nhan"),
    "education": (
        "truong mam non", "mam non tu thuc", "trung tam ngoai ngu", "ngoai ngu tin hoc",
        "day them", "hoc them", "lien ket dao tao", "van bang", "chung chi ngoai ngu",
        "giao duc va dao tao", "nha truong", "hoc sinh", "giao vien", "hieu truong", "truong hoc",
        "nhom tre", "tuyen sinh"),
    "health": (
        "phong kham", "chung chi hanh nghe y", "hanh nghe duoc", "nha thuoc", "quay thuoc",
        "gpp", "an toan thuc pham", "attp", "cong bo san pham", "my pham",
        "trang thiet bi y te", "benh vien", "so y te", "thuc pham chuc nang", "bep an",
        "ngo doc thuc pham", "tiem chung", "duoc pham"),
    "culture_tourism": (
        "karaoke", "vu truong", "quang cao", "bien hieu", "bien quang cao", "luu tru du lich",
        "khach san", "lu hanh", "huong dan vien", "bieu dien nghe thuat", "di tich", "le hoi",
        "the thao", "phong tap", "be boi", "du lich", "homestay", "nha nghi", "van hoa"),
    "local_government": (
        "ubnd huyen", "uy ban nhan dan huyen", "ubnd xa", "uy ban nhan dan xa", "ubnd phuong",
        "ho kinh doanh", "giai phong mat bang", "boi thuong ho tro", "tai dinh cu",
        "trat tu xay dung", "bo phan mot cua huyen", "chu tich xa", "chu tich huyen", "cho xa",
        "via he", "dia chinh xa", "cong chuc dia chinh", "thon", "xom"),
    "economic_zone": (
        "khu cong nghiep", "kcn", "khu kinh te", "kkt", "ban quan ly khu kinh te", "cau nghin",
        "phuc khanh", "gia le", "song tra", "lien ha thai", "industrial park", "economic zone",
        "ha tang khu cong nghiep", "nha dau tu thu cap"),
    "bank": (
        "vay von", "khoan vay", "tin dung", "lai suat", "tai co cau no", "co cau lai thoi han",
        "ho tro lai suat", "ngan hang nha nuoc", "ngan hang thuong mai",
        "tai san dam bao", "ngoai hoi", "ty gia", "thanh toan khong dung tien mat", "no xau",
        "goi tin dung", "loan", "interest rate"),
    "inspectorate": (
        "thanh tra", "doan thanh tra", "ket luan thanh tra", "chong cheo", "khieu nai",
        "to cao", "tiep cong dan", "thanh tra tinh", "doan kiem tra", "kiem tra dot xuat"),
    "ppc_office": (
        "van phong ubnd tinh", "van phong uy ban", "ubnd tinh", "uy ban nhan dan tinh",
        "hoi nghi doi thoai", "doi thoai doanh nghiep", "lanh dao tinh", "cong dich vu cong cua tinh",
        "kiem soat thu tuc hanh chinh", "chu tich ubnd tinh", "van ban chi dao", "kien nghi da gui tinh"),
    "service_center": (
        "trung tam phuc vu hanh chinh cong", "trung tam hanh chinh cong", "quay tiep nhan",
        "lay so thu tu", "phieu hen", "giay hen tra ket qua", "tra ket qua qua buu dien",
        "buu chinh cong ich", "5 tai cho", "nam tai cho", "danh gia hai long", "xep hang cho"),
    "association": (
        "hiep hoi doanh nghiep", "hiep hoi", "hoi vien", "hoi phi", "ddci", "ket noi hoi vien",
        "chi so nang luc canh tranh", "pci", "cau lac bo doanh nhan", "doanh nhan tre"),
    "other": (
        "tien dien", "hoa don tien dien", "dien luc", "evn", "nuoc sach", "cong ty cap nuoc",
        "nha mang", "sim", "cuoc dien thoai", "internet cham", "lua dao", "tin nhan rac",
        "hop dong dan su", "hang xom", "chu nha", "bao hiem nhan tho", "phi the ngan hang"),
}

_WORDS = re.compile(r"\w+")
_PATTERNS = {sector: re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + r")\b")
             for sector, phrases in SECTOR_PHRASES.items()}


def matches(text: str) -> dict[str, int]:
    """How many distinct phrases of each sector the text contains (sectors with none left out)."""
    folded = " ".join(_WORDS.findall(fold(text).lower()))
    counts = {}
    for sector, pattern in _PATTERNS.items():
        found = set(pattern.findall(folded))
        if found:
            counts[sector] = len(found)
    return counts
