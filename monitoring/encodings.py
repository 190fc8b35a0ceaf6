"""The text encodings of the files Chinese centers really send, for every CSV import.

A file is UTF-8 (with or without the BOM Excel writes) or GB18030, which covers GBK and GB2312
(what Chinese Excel and HR systems write by default). `auto` tries UTF-8 first, then GB18030;
a file that decodes as neither, or not as the encoding the user chose, is refused with an
error naming the file, the encoding tried and, for a chosen one, the first line that does not
decode. `decode` serves data already in memory (the roster import); `open_text` checks a
binary stream in chunks and returns it as text, so a large call file is never held in memory.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterable
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

AUTO, UTF8, GB18030 = "auto", "utf-8", "gb18030"
# The codec each choice reads with: utf-8-sig drops a BOM and reads BOM-less UTF-8 alike.
CODECS = {UTF8: "utf-8-sig", GB18030: "gb18030"}
CHOICES = [
    (AUTO, gettext_lazy("Detect automatically")),
    (UTF8, gettext_lazy("UTF-8")),
    (GB18030, gettext_lazy("GB18030 (GBK)")),
]
CHUNK = 1024 * 1024


class FileEncodingError(ValueError):
    """The file is not text in the encoding asked for (or, for `auto`, in any we read)."""

    def __init__(self, message: str, *, name: str, encoding: str, line: int | None = None):
        self.name, self.encoding, self.line = name, encoding, line
        super().__init__(message)


def decode(data: bytes, encoding: str = AUTO, *, name: str = "") -> str:
    """The file's text, or FileEncodingError naming the file (`name`) and the encoding tried."""
    return data.decode(_codec(lambda: [data], data[:4], encoding, name))


def open_text(stream: BinaryIO, encoding: str = AUTO, *, name: str = "") -> io.TextIOWrapper:
    """`stream` (binary, read from its current position) as text for the csv module, after
    checking in chunks that all of it decodes; or FileEncodingError."""
    if not stream.seekable():
        stream = io.BytesIO(stream.read())
    start = stream.tell()

    def chunks() -> Iterable[bytes]:
        stream.seek(start)
        return iter(lambda: stream.read(CHUNK), b"")

    head = stream.read(4)
    codec = _codec(chunks, head, encoding, name)
    stream.seek(start)
    return io.TextIOWrapper(stream, encoding=codec, newline="")


def _codec(chunks, head: bytes, encoding: str, name: str) -> str:
    if encoding not in (AUTO, *CODECS):
        raise ValueError(f"unknown encoding {encoding!r}; choose one of {AUTO}, {', '.join(CODECS)}")
    file = name or _("The file")
    if encoding == GB18030 and head.startswith(codecs.BOM_UTF8):
        # Read as GB18030, UTF-8 often decodes without an error, into nonsense: refuse it.
        message = _("%(file)s starts with a UTF-8 byte order mark: it is UTF-8 text, not GB18030 (GBK).")
        raise FileEncodingError(message % {"file": file}, name=name, encoding=encoding, line=1)
    tried = [UTF8, GB18030] if encoding == AUTO else [encoding]
    line = None
    for key in tried:
        line = first_bad_line(chunks(), CODECS[key])
        if line is None:
            return CODECS[key]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        message = _(
            "%(file)s is UTF-16 text (what Excel calls “Unicode text”). Save it as “CSV UTF-8” and import it again."
        ) % {"file": file}
    elif encoding == AUTO:
        message = _("%(file)s is neither UTF-8 nor GB18030 (GBK) text. Save it as “CSV UTF-8” and import it again.") % {
            "file": file
        }
    else:
        message = _(
            "%(file)s is not %(encoding)s text: line %(line)s does not decode as %(encoding)s. "
            "Choose the file's encoding, or let it be detected automatically."
        ) % {"file": file, "encoding": dict(CHOICES)[encoding], "line": line}
    raise FileEncodingError(message, name=name, encoding=encoding, line=line)


def first_bad_line(chunks: Iterable[bytes], codec: str) -> int | None:
    """None when all the bytes decode with `codec`, else the line number (from 1) where the
    first byte that does not is."""
    decoder = codecs.getincrementaldecoder(codec)()
    line = 1
    for chunk in chunks:
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            # exc.object is the pending part of a character plus the chunk: no line break in the former.
            return line + exc.object[: exc.start].count(b"\n")
        line += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return line
    return None
