"""Read MARC records from ISO 2709, MARCXML and MARC-in-JSON, one result per record.

pymarc's MARCReader loop stops silently after a framing error, so ISO 2709 is framed here:
a record is `record length` bytes ending in 0x1D; when the length is damaged we resynchronise on
the next 0x1D terminator and report the damaged chunk, so every good record still gets through.
"""

from __future__ import annotations

import json
import mmap
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pymarc import Field, Indicators, Leader, Subfield
from pymarc import Record as MarcRecord
from pymarc import exceptions as marc_errors
from pymarc.marcxml import XmlHandler, parse_xml

from catalogue.messages import (
    BASE_ADDRESS_MISSING,
    BASE_ADDRESS_OUTSIDE,
    DIRECTORY_DAMAGED,
    END_MISSING,
    INVALID_JSON,
    INVALID_LEADER_LENGTH,
    LEADER_DAMAGED,
    LEADER_EMPTY,
    LEADER_MISSING,
    LEADER_UNREADABLE,
    LENGTH_MISMATCH,
    NO_FIELDS,
    NO_JSON_FIELDS,
    NOT_A_JSON_RECORD,
    NOT_MARC21,
    SHORTER_THAN_LEADER,
    TRUNCATED_RECORD,
    UNDECODABLE,
    UNREADABLE_RECORD,
    XML_UNREADABLE,
    StoredMessage,
)

RECORD_TERMINATOR = 0x1D
FORMATS = ("marc21", "marcxml", "json")


@dataclass
class ReadResult:
    position: int  # 1-based record number in the file
    offset: int  # byte offset (ISO 2709) or -1
    record: MarcRecord | None
    error: StoredMessage | str = ""
    raw_id: str = ""


def format_guess(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".xml", ".marcxml"):
        return "marcxml"
    if suffix == ".json":
        return "json"
    return "marc21"


def _raw_id(chunk: bytes) -> str:
    """The 001 of a damaged record, found without trusting its directory."""
    match = re.search(rb"001(\d{4})(\d{5})", chunk[24:]) if len(chunk) > 24 else None
    if not match:
        return ""
    try:
        base = int(chunk[12:17])
        length, start = int(match.group(1)), int(match.group(2))
        value = chunk[base + start : base + start + length].rstrip(b"\x1e")
        return value.decode("utf-8", "replace")[:64] if value.isascii() else ""
    except ValueError:
        return ""


LEADER_LENGTH = 24
# A leader without its record length (the five digits at 00-04) starts with a record status
# (05) and a type of record (06): the MARC inside the catalogue service's extended answers.
SHORT_LEADER = re.compile(r"[acdnp][acdefgijkmoprt]")


class LeaderError(ValueError):
    """A leader that cannot be repaired; `message` says why (stored, translated when shown)."""

    def __init__(self, message: StoredMessage) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def leader_repair(value: str | None) -> str:
    """A 24-character leader from what an export carries, or LeaderError with a Dutch reason.

    Accepted: the full leader; a leader without its record length (00-04), as the catalogue
    service's `detaillevel=extended` answers give it (19 characters); a leader cut short at
    the end (padded with blanks). The record length and base address are recomputed when the
    record is written, so only positions 05-09 and 17-19 matter to the import."""
    if value is None:
        raise LeaderError(StoredMessage.of(LEADER_MISSING))
    text = value.replace("\n", "").replace("\r", "")
    if len(text) == LEADER_LENGTH:
        return text
    if not text.strip():
        raise LeaderError(StoredMessage.of(LEADER_EMPTY))
    if len(text) < LEADER_LENGTH and not text[:5].isdigit() and SHORT_LEADER.match(text):
        text = "00000" + text
    if len(text) < 10 or not SHORT_LEADER.match(text[5:7]):
        raise LeaderError(StoredMessage.of(LEADER_UNREADABLE, length=len(value)))
    return text[:LEADER_LENGTH].ljust(LEADER_LENGTH)


def _value_repair(value: str) -> str:
    """A value read with surrogateescape: bytes that were no UTF-8 are read as Windows-1252
    (the usual other encoding in Flemish exports)."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    return value.encode("utf-8", "surrogateescape").decode("cp1252", "replace")


def _encoding_repair(record: MarcRecord) -> None:
    for field_ in record.fields:
        if field_.is_control_field():
            field_.data = _value_repair(field_.data or "")
        else:
            field_.subfields = [
                Subfield(code=sub.code, value=_value_repair(sub.value)) for sub in field_.subfields
            ]


def _looks_utf8(chunk: bytes) -> bool:
    if chunk.isascii():
        return False
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf8_record_parse(chunk: bytes) -> MarcRecord | None:
    """What pymarc's decode_marc (force_utf8, strict) makes of a well-formed UTF-8 record,
    at a third of its cost: each field is decoded once and split on the subfield delimiter
    (0x1F cannot occur inside a UTF-8 sequence) instead of decoding every subfield. None for
    anything unusual (a damaged leader or directory, a field that is no valid UTF-8, missing
    or extra indicators, a subfield code that is no ASCII): pymarc then parses the record
    and reports or repairs it as before."""
    try:
        leader = chunk[:LEADER_LENGTH].decode("ascii")
        base = int(chunk[12:17])
        if len(leader) != LEADER_LENGTH or not 0 < base < len(chunk):
            return None
        if len(chunk) < int(leader[:5]):
            return None
        directory = chunk[LEADER_LENGTH : base - 1]
        if not directory or len(directory) % 12:
            return None
        fields = []
        for start in range(0, len(directory), 12):
            tag = directory[start : start + 3].decode("ascii")
            length = int(directory[start + 3 : start + 7])
            offset = base + int(directory[start + 7 : start + 12])
            text = chunk[offset : offset + length - 1].decode("utf-8")
            if tag < "010" and tag.isdigit():
                fields.append(Field(tag=tag, data=text))
                continue
            head, *parts = text.split("\x1f")
            if len(head) != 2 or not head.isascii():
                return None
            subfields = []
            for part in parts:
                if part:
                    if not part[0].isascii():
                        return None
                    subfields.append(Subfield(code=part[0], value=part[1:]))
            fields.append(
                Field(tag=tag, indicators=Indicators(head[0], head[1]), subfields=subfields)
            )
    except (UnicodeDecodeError, ValueError):
        return None
    record = MarcRecord(to_unicode=True, force_utf8=True)
    record.leader = Leader(leader)
    record.fields = fields
    return record


def _record_parse(chunk: bytes) -> MarcRecord:
    # Leader/09 'a' means UTF-8; blank means MARC-8, which pymarc converts with to_unicode.
    # Exports mix them up: a MARC-8 flag on UTF-8 text (which never decodes as UTF-8 when it
    # is MARC-8 with diacritics), and Windows-1252 bytes in a UTF-8 record.
    utf8 = chunk[9:10] == b"a" or _looks_utf8(chunk)
    if utf8:
        record = _utf8_record_parse(chunk)
        if record is not None:
            return record
    if not utf8:
        return MarcRecord(
            data=chunk,
            to_unicode=True,
            force_utf8=False,
            hide_utf8_warnings=True,
            utf8_handling="replace",
        )
    try:
        return MarcRecord(
            data=chunk,
            to_unicode=True,
            force_utf8=True,
            hide_utf8_warnings=True,
            utf8_handling="strict",
        )
    except UnicodeDecodeError:
        record = MarcRecord(
            data=chunk,
            to_unicode=True,
            force_utf8=True,
            hide_utf8_warnings=True,
            utf8_handling="surrogateescape",
        )
        _encoding_repair(record)
        return record


# pymarc's exceptions in words a librarian understands.
PARSE_REASONS: tuple[tuple[type[Exception], str], ...] = (
    (marc_errors.RecordLeaderInvalid, LEADER_DAMAGED),
    (marc_errors.BaseAddressNotFound, BASE_ADDRESS_MISSING),
    (marc_errors.BaseAddressInvalid, BASE_ADDRESS_OUTSIDE),
    (marc_errors.RecordDirectoryInvalid, DIRECTORY_DAMAGED),
    (marc_errors.NoFieldsFound, NO_FIELDS),
    (marc_errors.TruncatedRecord, SHORTER_THAN_LEADER),
    (marc_errors.EndOfRecordNotFound, END_MISSING),
    (UnicodeDecodeError, UNDECODABLE),
)


def parse_reason(exc: Exception) -> StoredMessage:
    """Why a record could not be read, as a stored message (Dutch when shown in Dutch)."""
    if isinstance(exc, LeaderError):
        return exc.message
    for kind, msgid in PARSE_REASONS:
        if isinstance(exc, kind):
            return StoredMessage.of(msgid)
    return StoredMessage.of(NOT_MARC21)


@dataclass
class Frame:
    position: int
    offset: int
    chunk: bytes
    error: StoredMessage | str = ""
    raw_id: str = ""


def iso2709_frames(path: Path) -> Iterator[Frame]:
    """Cut an ISO 2709 file into records by their length and 0x1D terminator."""
    with path.open("rb") as handle:
        size = path.stat().st_size
        if size == 0:
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            offset = 0
            position = 0
            while offset < size:
                # Skip whitespace between records (some exports add newlines).
                while offset < size and data[offset] in (0x0A, 0x0D, 0x20):
                    offset += 1
                if offset >= size:
                    break
                position += 1
                head = data[offset : offset + 5]
                length = int(head) if head.isdigit() else 0
                end = offset + length
                framed = length >= 24 and end <= size and data[end - 1] == RECORD_TERMINATOR
                if not framed:
                    terminator = data.find(b"\x1d", offset)
                    next_offset = size if terminator == -1 else terminator + 1
                    chunk = bytes(data[offset:next_offset])
                    if length < 24:
                        reason = StoredMessage.of(INVALID_LEADER_LENGTH)
                    elif end > size:
                        reason = StoredMessage.of(TRUNCATED_RECORD)
                    else:
                        reason = StoredMessage.of(LENGTH_MISMATCH)
                    yield Frame(position, offset, b"", reason, _raw_id(chunk))
                    offset = next_offset
                    continue
                yield Frame(position, offset, bytes(data[offset:end]))
                offset = end


def frame_parse(frame: Frame) -> ReadResult:
    if frame.error:
        return ReadResult(frame.position, frame.offset, None, frame.error, frame.raw_id)
    try:
        record = _record_parse(frame.chunk)
    except Exception as exc:  # noqa: BLE001 - every parse error is a rejected record
        return ReadResult(
            frame.position, frame.offset, None, parse_reason(exc), _raw_id(frame.chunk)
        )
    return ReadResult(frame.position, frame.offset, record)


def iso2709_read(path: Path) -> Iterator[ReadResult]:
    for frame in iso2709_frames(path):
        yield frame_parse(frame)


class _TolerantXmlHandler(XmlHandler):
    """pymarc's MARCXML handler, keeping each record's problem instead of failing the file:
    leaders are repaired (leader_repair), a record without a usable leader is reported."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[tuple[MarcRecord, StoredMessage | str]] = []
        self._error: StoredMessage | str = ""
        self._leader_seen = False

    def startElementNS(self, name, qname, attrs):
        if name[1] == "record":
            self._error = ""
            self._leader_seen = False
        super().startElementNS(name, qname, attrs)

    def endElementNS(self, name, qname):
        element = name[1]
        if element == "leader" and self._record is not None:
            self._leader_seen = True
            try:
                self._record.leader = Leader(leader_repair("".join(self._text)))
            except LeaderError as exc:
                self._error = exc.message
            self._text = []
            return
        if element == "record" and self._record is not None and not self._leader_seen:
            try:
                leader_repair(None)
            except LeaderError as exc:
                self._error = exc.message
        super().endElementNS(name, qname)

    def process_record(self, record):
        self.results.append((record, self._error))


def _control_id(record: MarcRecord) -> str:
    field_ = record.get("001")
    return (field_.data or "").strip()[:64] if field_ is not None else ""


def marcxml_read(path: Path) -> Iterator[ReadResult]:
    handler = _TolerantXmlHandler()
    try:
        parse_xml(str(path), handler)
    except Exception as exc:  # noqa: BLE001 - the records before the damage still count
        for position, (record, error) in enumerate(handler.results, start=1):
            yield _xml_result(position, record, error)
        yield ReadResult(
            len(handler.results) + 1,
            -1,
            None,
            StoredMessage.of(XML_UNREADABLE, detail=exc),
        )
        return
    for position, (record, error) in enumerate(handler.results, start=1):
        yield _xml_result(position, record, error)


def _xml_result(position: int, record: MarcRecord, error: StoredMessage | str) -> ReadResult:
    if error:
        return ReadResult(position, -1, None, error, _control_id(record))
    return ReadResult(position, -1, record)


def json_record(item: object) -> MarcRecord:
    """One MARC-in-JSON object as a pymarc Record, repairing the leader (leader_repair) and
    skipping subfields that are no {code: value} pair. Raises LeaderError or ValueError."""
    if not isinstance(item, dict):
        raise ValueError(StoredMessage.of(NOT_A_JSON_RECORD))
    record = MarcRecord()
    record.leader = Leader(leader_repair(item.get("leader")))
    fields = item.get("fields")
    if not isinstance(fields, list):
        raise ValueError(StoredMessage.of(NO_JSON_FIELDS))
    for entry in fields:
        if not isinstance(entry, dict) or len(entry) != 1:
            continue
        tag, content = next(iter(entry.items()))
        tag = str(tag)[:3]
        if isinstance(content, dict):
            subfields = [
                Subfield(code=str(code)[:1], value=str(value))
                for sub in content.get("subfields") or []
                if isinstance(sub, dict)
                for code, value in sub.items()
                if str(code)[:1].strip() and value is not None
            ]
            indicators = Indicators(
                str(content.get("ind1") or " ")[:1], str(content.get("ind2") or " ")[:1]
            )
            record.add_field(Field(tag=tag, indicators=indicators, subfields=subfields))
        elif content is not None:
            record.add_field(Field(tag=tag, data=str(content)))
    return record


def json_read(path: Path) -> Iterator[ReadResult]:
    try:
        text = path.read_text(encoding="utf-8")
        parsed = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        yield ReadResult(1, -1, None, StoredMessage.of(INVALID_JSON, detail=exc))
        return
    items = parsed if isinstance(parsed, list) else [parsed]
    for position, item in enumerate(items, start=1):
        try:
            record = json_record(item)
        except LeaderError as exc:
            yield ReadResult(position, -1, None, exc.message, _json_id(item))
        except ValueError as exc:
            reason = exc.args[0] if exc.args and isinstance(exc.args[0], StoredMessage) else None
            yield ReadResult(
                position,
                -1,
                None,
                reason or StoredMessage.of(UNREADABLE_RECORD, detail=exc),
                _json_id(item),
            )
        except Exception as exc:  # noqa: BLE001 - every parse error is a rejected record
            yield ReadResult(position, -1, None, parse_reason(exc), _json_id(item))
        else:
            yield ReadResult(position, -1, record)


def _json_id(item: object) -> str:
    if not isinstance(item, dict):
        return ""
    for entry in item.get("fields") or []:
        if isinstance(entry, dict) and isinstance(entry.get("001"), str):
            return entry["001"].strip()[:64]
    return ""


def records_read(path: Path, fmt: str) -> Iterator[ReadResult]:
    if fmt == "marcxml":
        return marcxml_read(path)
    if fmt == "json":
        return json_read(path)
    return iso2709_read(path)
