"""Read MARC records from ISO 2709, MARCXML and MARC-in-JSON, one result per record.

pymarc's MARCReader loop stops silently after a framing error, so ISO 2709 is framed here:
a record is `record length` bytes ending in 0x1D; when the length is damaged we resynchronise on
the next 0x1D terminator and report the damaged chunk, so every good record still gets through.
"""

from __future__ import annotations

import json
import mmap
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pymarc import JSONReader
from pymarc import Record as MarcRecord
from pymarc.marcxml import parse_xml_to_array

from catalogue.messages import (
    INVALID_JSON,
    INVALID_LEADER_LENGTH,
    INVALID_MARCXML,
    LENGTH_MISMATCH,
    TRUNCATED_RECORD,
    UNREADABLE_RECORD,
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


def _record_parse(chunk: bytes) -> MarcRecord:
    utf8 = chunk[9:10] == b"a"
    # Leader/09 'a' means UTF-8; blank means MARC-8, which pymarc converts with to_unicode.
    return MarcRecord(
        data=chunk,
        to_unicode=True,
        force_utf8=utf8,
        hide_utf8_warnings=True,
        utf8_handling="strict" if utf8 else "replace",
    )


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
            frame.position,
            frame.offset,
            None,
            StoredMessage.of(UNREADABLE_RECORD, detail=exc),
            _raw_id(frame.chunk),
        )
    return ReadResult(frame.position, frame.offset, record)


def iso2709_read(path: Path) -> Iterator[ReadResult]:
    for frame in iso2709_frames(path):
        yield frame_parse(frame)


def marcxml_read(path: Path) -> Iterator[ReadResult]:
    try:
        records = parse_xml_to_array(str(path))
    except (ET.ParseError, Exception) as exc:  # noqa: BLE001
        yield ReadResult(1, -1, None, StoredMessage.of(INVALID_MARCXML, detail=exc))
        return
    for position, record in enumerate(records, start=1):
        yield ReadResult(position, -1, record)


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
            record = next(iter(JSONReader(json.dumps(item))))
        except Exception as exc:  # noqa: BLE001
            yield ReadResult(position, -1, None, StoredMessage.of(UNREADABLE_RECORD, detail=exc))
        else:
            yield ReadResult(position, -1, record)


def records_read(path: Path, fmt: str) -> Iterator[ReadResult]:
    if fmt == "marcxml":
        return marcxml_read(path)
    if fmt == "json":
        return json_read(path)
    return iso2709_read(path)
