"""Text that XML 1.0 can carry: one place that every XML writer goes through.

XML 1.0 allows tab, line feed and carriage return but no other C0 control
character, no surrogate and neither U+FFFE nor U+FFFF -- not even as a
character reference (``&#1;`` is not well-formed).  A label with ``\\u0001``
or ``\\u000B`` (pasted from a PDF, say) would make a whole GEXF or GraphML
file unreadable in Gephi and yEd, so writers replace each such character with
U+FFFD REPLACEMENT CHARACTER: the file stays XML, and the reader sees that
something was there.

:func:`xml_text` cleans a string before a writer builds elements from it;
:func:`xml_bytes` cleans UTF-8 XML that a library (Oxigraph's SPARQL XML
results and RDF/XML) has already serialised.
"""

from __future__ import annotations

import re

__all__ = ["REPLACEMENT", "xml_text", "xml_bytes"]

REPLACEMENT = "\ufffd"

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# in UTF-8 a byte below 0x80 is always that ASCII character, never part of a
# longer sequence, so the C0 controls can be found byte by byte; U+FFFE and
# U+FFFF are EF BF BE and EF BF BF
_FORBIDDEN_BYTES = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
_REPLACEMENT_BYTES = REPLACEMENT.encode("utf-8")


def xml_text(value: str) -> str:
    """``value`` with every character XML 1.0 forbids replaced by U+FFFD.

    >>> xml_text("a\\u0001b\\u000bc\\td")
    'a\\ufffdb\\ufffdc\\td'
    >>> xml_text("<b>&\\"ok\\"</b>")  # markup is the serialiser's job, not this one's
    '<b>&"ok"</b>'
    """
    return _FORBIDDEN.sub(REPLACEMENT, value)


def xml_bytes(data: bytes) -> bytes:
    """UTF-8 encoded XML with every character XML 1.0 forbids replaced by U+FFFD.

    >>> xml_bytes(b"<a>x\\x01y</a>").decode("utf-8")
    '<a>x\\ufffdy</a>'
    """
    return _FORBIDDEN_BYTES.sub(_REPLACEMENT_BYTES, data)
