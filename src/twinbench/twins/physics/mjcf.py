"""What an MJCF model may contain to be replayed on the trusted side: checked before anything compiles it.

A model must be self-contained (no files, includes or plugins) and small: the trusted side compiles it in the
harness process. Deformables (`flexcomp`, `flex`) are simulated like any body: MuJoCo turns their nodes into
bodies on slide joints, whose state the log replays; their nodes are counted here, before compiling, since
compiling a large flex takes seconds (4000 nodes: 8 s). Both sides run the same check; the program side raises
it as the program's ValueError.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

MAX_XML_BYTES = 256 * 1024
MAX_ELEMENTS = 4000  # after <replicate> expansion
MAX_TEXTURE_PIXELS = 1 << 22
MAX_FLEX_NODES = 500  # over all flexes, after <replicate> expansion
FLEXCOMP_COUNT = (10, 10, 10)  # MuJoCo's default `count` of a flexcomp
FORBIDDEN_TAGS = frozenset({"include", "plugin", "extension", "instance", "hfield", "composite", "skin", "model",
                            "attach"})
FORBIDDEN_ATTRIBUTES = frozenset({"meshdir", "texturedir", "assetdir", "builtin_mesh"})


class ModelRefused(ValueError):
    """The model uses something the twin cannot replay (files, plugins, composites, skins)."""


class ModelTooLarge(ValueError):
    """The model is over one of the twin's size limits."""


def _count(value: str | None) -> int:
    try:
        count = int(value or "1")
    except ValueError:
        raise ModelRefused(f"replicate count {value!r} is not an integer") from None
    return max(count, 0)


def _texture_pixels(element: ET.Element) -> int:
    def number(name: str) -> float:
        try:
            return float(element.get(name, "0"))
        except ValueError:
            return 0.0

    faces = 6 if element.get("type") in ("cube", "skybox") else 1
    return int(faces * max(number("width"), 1) * max(number("height"), 1))


def _words(element: ET.Element, name: str) -> int:
    return len(element.get(name, "").split())


def flex_nodes(element: ET.Element) -> int:
    """How many nodes a `flexcomp` or `flex` element declares (an upper bound for a flexcomp's surface types)."""
    if element.tag == "flex":
        return max(_words(element, "vertex") // 3, _words(element, "body"), _words(element, "node"))
    if element.get("type") == "direct":
        return _words(element, "point") // 3
    given = (element.get("count") or "").split()
    count = 1
    for i, default in enumerate(FLEXCOMP_COUNT):
        try:
            count *= max(int(given[i]) if i < len(given) else default, 1)
        except ValueError:
            raise ModelRefused(f"flexcomp count {element.get('count')!r} is not three integers") from None
    return count


def check_xml(xml: str, max_bytes: int = MAX_XML_BYTES, max_elements: int = MAX_ELEMENTS,
              max_flex_nodes: int = MAX_FLEX_NODES) -> None:
    """Raise ModelTooLarge or ModelRefused unless `xml` is a small, self-contained MJCF model."""
    size = len(xml.encode(errors="replace"))
    if size > max_bytes:
        raise ModelTooLarge(f"model XML of {size} bytes exceeds {max_bytes}")
    if "<!doctype" in xml.lower() or "<!entity" in xml.lower():
        raise ModelRefused("model XML may not declare a DOCTYPE or entities")
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise ModelRefused(f"model XML is not well-formed: {exc}") from None
    elements = nodes = 0
    stack = [(root, 1)]
    while stack:
        element, factor = stack.pop()
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in FORBIDDEN_TAGS:
            raise ModelRefused(f"<{tag}> is not supported: models must be self-contained MJCF without plugins, "
                               "composites or skins")
        for name in element.attrib:
            if name.startswith("file") or name in FORBIDDEN_ATTRIBUTES or (tag == "mesh" and name == "builtin"):
                raise ModelRefused(f"<{tag} {name}=...> is not supported: models may not read files")
        if tag == "texture" and _texture_pixels(element) > MAX_TEXTURE_PIXELS:
            raise ModelTooLarge(f"a texture of more than {MAX_TEXTURE_PIXELS} pixels")
        if tag == "replicate":
            factor *= _count(element.get("count"))
        elements += factor
        if elements > max_elements:
            raise ModelTooLarge(f"more than {max_elements} model elements")
        if tag in ("flex", "flexcomp"):
            nodes += factor * flex_nodes(element)
            if nodes > max_flex_nodes:
                raise ModelTooLarge(f"more than {max_flex_nodes} flex nodes")
        stack.extend((child, factor) for child in element)
