"""Attachment checks (by content, not by name) and storage outside the web root.

Images are re-encoded without their metadata (EXIF with GPS position and camera serial, PNG
text chunks) before anyone downloads them; the file as uploaded is kept for the inspectorate.
"""
from __future__ import annotations

import hashlib
import io
import os
import secrets
import zipfile
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session

from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import _l
from portal.models import Attachment, Ticket

ALLOWED_EXTENSIONS = {"pdf", "jpg", "jpeg", "png", "docx", "xlsx"}
_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Upload:
    """A file as received, independent of the web framework."""
    filename: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The real kind of the file from its first bytes, or None when not allowed."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def _office_kind(data: bytes) -> str | None:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return None


def _extension(filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return "jpg" if ext == "jpeg" else ext


def safe_display_name(filename: str) -> str:
    """The base name only, without path parts or control characters, at most 255 chars."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return (name or "file")[:255]


def validate(uploads: list[Upload], *, max_count: int, max_bytes: int) -> list[tuple[str, str]]:
    """Errors for the ``attachments`` field; empty when every file is acceptable."""
    errors: list[tuple[str, str]] = []
    if len(uploads) > max_count:
        errors.append(("attachments", _l("Attach at most %(n)d files.", n=max_count)))
    for upload in uploads:
        name = safe_display_name(upload.filename)
        if len(upload.data) > max_bytes:
            errors.append(("attachments", _l("%(name)s is larger than %(mb)d MB.",
                                             name=name, mb=max_bytes // (1024 * 1024))))
        elif not upload.data:
            errors.append(("attachments", _l("%(name)s is empty.", name=name)))
        elif _extension(name) not in ALLOWED_EXTENSIONS or sniff(upload.data) != _extension(name):
            errors.append(("attachments", _l(
                "%(name)s is not an accepted file. Accepted: PDF, JPG, PNG, DOCX, XLSX.",
                name=name)))
    return errors


# Far above any photo of a document, far below what would exhaust memory when decoded.
MAX_IMAGE_PIXELS = 40_000_000
_IMAGE_FORMATS = {"jpg": "JPEG", "png": "PNG"}


def strip_metadata(data: bytes, kind: str) -> bytes:
    """The image re-encoded from its pixels alone: no EXIF (GPS, camera), XMP, ICC profile,
    comments or PNG text chunks. Turned upright first, since the EXIF orientation goes too.

    :raises ValueError: when the image cannot be decoded or is too large.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValueError("image too large")
            upright = ImageOps.exif_transpose(image)
            upright.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValueError("undecodable image") from exc
    upright.info = {}  # the encoders copy comments, ICC profiles and EXIF from here
    if kind == "jpg" and upright.mode not in ("RGB", "L", "CMYK"):
        upright = upright.convert("RGB")
    out = io.BytesIO()
    upright.save(out, format=_IMAGE_FORMATS[kind], **({"quality": 90} if kind == "jpg" else {}))
    return out.getvalue()


def _write(folder: str, data: bytes) -> str:
    """Write ``data`` under a new random name; the file is removed again if the transaction
    that records it rolls back (a filing refused or failed after its first files)."""
    name = secrets.token_hex(16)
    path = os.path.join(folder, name)
    with open(path, "xb") as fh:
        fh.write(data)
    db.session.info.setdefault(_WRITTEN, []).append(path)
    return name


_WRITTEN = "attachment_files"  # Session.info: files written in the current transaction


@sa.event.listens_for(Session, "after_commit")
def _keep_written(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


@sa.event.listens_for(Session, "after_rollback")
def _remove_written(session: Session) -> None:
    for path in session.info.pop(_WRITTEN, []):
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


def store(ticket: Ticket, upload: Upload, *, folder: str, now: datetime) -> Attachment:
    """Write the file under a random name in ``folder`` and record it; an image is stored
    twice, without metadata (served) and as uploaded (for the inspectorate). Flushes.

    :raises ValidationFailed: for an image that passes the magic bytes but cannot be decoded.
    """
    os.makedirs(folder, exist_ok=True)
    kind = sniff(upload.data)
    name = safe_display_name(upload.filename)
    served, original_stored_name = upload.data, None
    if kind in _IMAGE_FORMATS:
        try:
            served = strip_metadata(upload.data, kind)
        except ValueError:
            raise ValidationFailed([("attachments", _l(
                "%(name)s is not an accepted file. Accepted: PDF, JPG, PNG, DOCX, XLSX.",
                name=name))]) from None
        original_stored_name = _write(folder, upload.data)
    attachment = Attachment(ticket=ticket, original_name=name, stored_name=_write(folder, served),
                            original_stored_name=original_stored_name,
                            content_type=_CONTENT_TYPES[kind], size=len(served),
                            sha256=hashlib.sha256(served).hexdigest(), created_at=now)
    db.session.add(attachment)
    return attachment


def path_of(attachment: Attachment, folder: str, *, original: bool = False) -> str:
    """The served file, or with ``original`` the file as uploaded (images only)."""
    name = attachment.original_stored_name if original else attachment.stored_name
    return os.path.join(folder, name or attachment.stored_name)
