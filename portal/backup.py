"""Portable backup and restore of the database and the attachment files (issue 7).

The archive is a tar.gz with ``manifest.json``, one ``tables/<name>.json`` per table (in
dependency order, values encoded by column type so SQLite and PostgreSQL read each other's
archives) and ``uploads/<stored name>`` for every attachment. Restore inserts table by table
and moves PostgreSQL sequences past the restored ids. Both flush; the caller commits.
"""
from __future__ import annotations

import base64
import enum
import io
import json
import os
import re
import tarfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa

from portal.errors import PortalError
from portal.extensions import db

FORMAT = 1
_STORED_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_CHUNK = 500


class BackupError(PortalError):
    """The archive cannot be restored here (wrong format, schema, or a non-empty database)."""


@dataclass(frozen=True)
class Summary:
    rows: dict[str, int]
    files: int
    missing_files: tuple[str, ...] = ()


def _tables() -> list[sa.Table]:
    return list(db.metadata.sorted_tables)


def _revision() -> str | None:
    try:
        return db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DBAPIError:
        db.session.rollback()
        return None


# --- values -------------------------------------------------------------------------------

def _encode(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    return value


def _python_type(column: sa.Column):
    kind = column.type
    if isinstance(kind, sa.types.TypeDecorator):
        kind = kind.impl_instance
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def _decode(column: sa.Column, value):
    if value is None or isinstance(column.type, sa.JSON) or isinstance(
            getattr(column.type, "impl_instance", None), sa.JSON):
        return value
    kind = _python_type(column)
    if kind is None:
        return value
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(value)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is time:
        return time.fromisoformat(value)
    if kind is bytes:
        return base64.b64decode(value)
    if kind is Decimal:
        return Decimal(value)
    return value


# --- backup -------------------------------------------------------------------------------

def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o600
    archive.addfile(info, io.BytesIO(data))


def backup(path: str, *, upload_folder: str, now: datetime) -> Summary:
    """Write the whole database and the attachment files to ``path`` (tar.gz)."""
    if db.engine.dialect.name == "postgresql" and not db.session().in_transaction():
        # One snapshot for every table, so the archive is consistent under live writes.
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    tables, rows, stored = _tables(), {}, []
    with tarfile.open(path, "w:gz") as archive:
        for table in tables:
            columns = [c.name for c in table.columns]
            order = list(table.primary_key.columns) or list(table.columns)
            result = db.session.execute(sa.select(table).order_by(*order))
            data = [[_encode(value) for value in row] for row in result]
            rows[table.name] = len(data)
            if table.name == "attachments":
                index, original = columns.index("stored_name"), columns.index("original_stored_name")
                stored = [row[index] for row in data] + [row[original] for row in data if row[original]]
            _add(archive, f"tables/{table.name}.json",
                 json.dumps({"columns": columns, "rows": data}, ensure_ascii=False).encode())
        missing = []
        for name in stored:
            file_path = os.path.join(upload_folder, name)
            if not _STORED_NAME.match(name) or not os.path.isfile(file_path):
                missing.append(name)
                continue
            with open(file_path, "rb") as fh:
                _add(archive, f"uploads/{name}", fh.read())
        manifest = {"format": FORMAT, "created_at": now.isoformat(), "revision": _revision(),
                    "dialect": db.engine.dialect.name, "tables": [t.name for t in tables],
                    "rows": rows, "files": len(stored) - len(missing)}
        _add(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
    return Summary(rows=rows, files=len(stored) - len(missing), missing_files=tuple(missing))


# --- restore ------------------------------------------------------------------------------

def is_empty() -> bool:
    return all(db.session.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first()
               is None for t in _tables())


def _read_json(archive: tarfile.TarFile, name: str):
    try:
        member = archive.getmember(name)
    except KeyError as exc:
        raise BackupError(f"the archive has no {name}") from exc
    handle = archive.extractfile(member)
    if handle is None:
        raise BackupError(f"{name} is not a file")
    return json.loads(handle.read().decode("utf-8"))


def _insert(table: sa.Table, columns: list[str], rows: list[list]) -> None:
    known = {c.name: c for c in table.columns}
    unknown = [name for name in columns if name not in known]
    if unknown:
        raise BackupError(f"{table.name}: columns {unknown} are not in this schema")
    # Rows referring to their own table are linked after all exist.
    self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    records = [{name: _decode(known[name], value) for name, value in zip(columns, row)}
               for row in rows]
    deferred = []
    if self_refs:
        for record in records:
            links = {name: record[name] for name in self_refs if record.get(name) is not None}
            if links:
                deferred.append((record, links))
                record.update(dict.fromkeys(links))
    for start in range(0, len(records), _CHUNK):
        db.session.execute(table.insert(), records[start:start + _CHUNK])
    pk = list(table.primary_key.columns)
    for record, links in deferred:
        db.session.execute(table.update().where(*(c == record[c.name] for c in pk)).values(links))


def _reset_sequences(tables: list[sa.Table]) -> None:
    """PostgreSQL: the next id of each table follows the largest restored one."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer) or pk[0].autoincrement is False:
            continue
        sequence = db.session.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                      {"t": table.name, "c": pk[0].name}).scalar()
        if sequence is None:
            continue
        top = db.session.execute(sa.select(sa.func.max(pk[0]))).scalar()
        db.session.execute(sa.text("SELECT setval(CAST(:s AS regclass), :v, :called)"),
                           {"s": sequence, "v": top or 1, "called": top is not None})


def restore(path: str, *, upload_folder: str, force: bool = False) -> Summary:
    """Load an archive written by :func:`backup` into this (empty) database. Flushes."""
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 (closed by the with below)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"cannot read {path}: {exc}") from exc
    with archive:
        manifest = _read_json(archive, "manifest.json")
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown archive format {manifest.get('format')!r}")
        current = _revision()
        if manifest.get("revision") != current:
            raise BackupError(f"the archive is of schema {manifest.get('revision')}, this "
                              f"database is at {current}: upgrade or downgrade first")
        tables = {t.name: t for t in _tables()}
        missing = [name for name in manifest["tables"] if name not in tables]
        if missing:
            raise BackupError(f"tables {missing} are not in this schema")
        if not is_empty():
            if not force:
                raise BackupError("the database is not empty (use --force to replace it)")
            for table in reversed(_tables()):
                db.session.execute(table.delete())
        rows = {}
        for table in _tables():  # this schema's dependency order
            if table.name not in manifest["tables"]:
                rows[table.name] = 0
                continue
            dump = _read_json(archive, f"tables/{table.name}.json")
            _insert(table, dump["columns"], dump["rows"])
            rows[table.name] = len(dump["rows"])
        _reset_sequences(list(tables.values()))
        files = 0
        os.makedirs(upload_folder, exist_ok=True)
        for member in archive.getmembers():
            if not member.name.startswith("uploads/"):
                continue
            name = member.name[len("uploads/"):]
            if not member.isfile() or not _STORED_NAME.match(name):
                raise BackupError(f"refusing the archive member {member.name!r}")
            handle = archive.extractfile(member)
            with open(os.path.join(upload_folder, name), "wb") as fh:
                fh.write(handle.read())
            files += 1
        db.session.flush()
    return Summary(rows=rows, files=files)
