"""XMP packets: finding them in a file's bytes and parsing them safely as plain JSON data.

Parsed with defusedxml (no entities, no network), properties named by their usual prefixes,
including the ``xmpMM:History`` editing events. Nothing here raises for a malformed packet:
problems are collected and returned.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import defusedxml.ElementTree as SafeET

from workbench.formats.values import MAX_DEPTH, MAX_ITEMS, MAX_XMP_BYTES, clean_text

NAMESPACES = {
    "adobe:ns:meta/": "x",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#": "stEvt",
    "http://ns.adobe.com/xap/1.0/sType/ResourceRef#": "stRef",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://ns.adobe.com/tiff/1.0/": "tiff",
    "http://ns.adobe.com/pdf/1.3/": "pdf",
    "http://ns.adobe.com/camera-raw-settings/1.0/": "crs",
    "http://ns.adobe.com/exif/1.0/aux/": "aux",
    "http://cipa.jp/exif/1.0/": "exifEX",
    "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": "Iptc4xmpCore",
    "http://ns.adobe.com/xap/1.0/t/pg/": "xmpTPg",
    "http://www.gimp.org/xmp/": "GIMP",
}
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_XMP_START = re.compile(rb"<x:xmpmeta|<x:xapmeta|<rdf:RDF")
_XMP_END = {
    b"<x:xmpmeta": b"</x:xmpmeta>",
    b"<x:xapmeta": b"</x:xapmeta>",
    b"<rdf:RDF": b"</rdf:RDF>",
}


def _qname(tag: str) -> str:
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        prefix = NAMESPACES.get(uri)
        if prefix is None:
            prefix = re.sub(r"[^A-Za-z0-9]", "", uri.rstrip("/#").rsplit("/", 1)[-1]) or "ns"
        return f"{prefix}:{local}"
    return tag


def find_xmp(data: bytes) -> bytes | None:
    """The first XMP packet (``<x:xmpmeta>...</x:xmpmeta>``) embedded in `data`, as bytes."""
    m = _XMP_START.search(data)
    if not m:
        return None
    end_tag = _XMP_END[m.group()]
    end = data.find(end_tag, m.start())
    if end < 0:
        return data[m.start() : m.start() + MAX_XMP_BYTES + 1]
    return data[m.start() : end + len(end_tag)]


def _rdf_value(elem: Any, depth: int) -> Any:
    """The value of an RDF property element: text, a list (Seq/Bag/Alt), or a structure."""
    if depth > MAX_DEPTH:
        return "[nested too deeply]"
    resource = elem.get(f"{_RDF}resource")
    if resource is not None:
        return resource
    children = list(elem)
    if not children:
        attrs = {_qname(k): v for k, v in elem.attrib.items() if not k.startswith(_RDF)}
        if attrs and not (elem.text or "").strip():
            return attrs
        return (elem.text or "").strip()
    first = children[0]
    if first.tag in (f"{_RDF}Seq", f"{_RDF}Bag", f"{_RDF}Alt"):
        items = [_rdf_value(li, depth + 1) for li in list(first)[:MAX_ITEMS]]
        if first.tag == f"{_RDF}Alt" and len(items) == 1:
            return items[0]
        return items
    if first.tag == f"{_RDF}Description" and len(children) == 1:
        return _description(first, depth + 1)
    if elem.get(f"{_RDF}parseType") == "Resource" or children:
        return _description(elem, depth + 1)
    return (elem.text or "").strip()


def _description(elem: Any, depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in elem.attrib.items():
        if not k.startswith(_RDF) and len(out) < MAX_ITEMS:
            out[_qname(k)] = v
    for child in list(elem)[:MAX_ITEMS]:
        out[_qname(child.tag)] = _rdf_value(child, depth + 1)
    return out


def parse_xmp(packet: bytes) -> tuple[dict[str, Any], list[str]]:
    """Properties of an XMP packet as ``{"prefix:name": value}``, and problems met.

    Parsed with defusedxml (no DTDs, no entity expansion, no external resources). Lists
    (rdf:Seq/Bag/Alt) become lists, structures become dicts; ``xmpMM:History`` is kept as the
    list of its events (dicts with ``stEvt:action``, ``stEvt:when``, ``stEvt:softwareAgent``...).
    """
    problems: list[str] = []
    if len(packet) > MAX_XMP_BYTES:
        return {}, [f"XMP packet of {len(packet):,} bytes is too large to parse"]
    try:
        root = SafeET.fromstring(packet)
    except Exception as exc:  # ParseError, defusedxml's forbidden constructs, ...
        return {}, [f"XMP packet is not well-formed XML: {type(exc).__name__}: {exc}"[:300]]
    props: dict[str, Any] = {}
    for desc in root.iter(f"{_RDF}Description"):
        for key, value in _description(desc, 0).items():
            if key not in props and len(props) < MAX_ITEMS:
                props[key] = value
    return props, problems


def xmp_history(props: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``xmpMM:History`` events as dicts with keys action, when, software_agent, changed."""
    history = props.get("xmpMM:History")
    if not isinstance(history, list):
        return []
    out = []
    for event in history[:MAX_ITEMS]:
        if not isinstance(event, dict):
            continue
        out.append(
            {
                "action": event.get("stEvt:action"),
                "when": event.get("stEvt:when"),
                "software_agent": event.get("stEvt:softwareAgent"),
                "changed": event.get("stEvt:changed"),
                "instance_id": event.get("stEvt:instanceID"),
            }
        )
    return out


def xmp_text(props: Mapping[str, Any], key: str) -> str | None:
    """A property as one string: the first item of a list, None when empty or structured."""
    value = props.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        value = value.strip()
        return clean_text(value) if value else None
    return None
