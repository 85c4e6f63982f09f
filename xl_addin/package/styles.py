"""styles.xml: look up what a cell format (xf) shows, and derive new formats by appending —
never renumbering or reordering what is there. Identical entries are reused."""
from __future__ import annotations

import copy
from collections.abc import Callable
from typing import overload

from lxml import etree

from .errors import WorkbookError
from .opc import MAIN_NS, m
from .values import BUILTIN_FORMATS, BUILTIN_IDS, is_date_format

NO_FILL = "none"
PRODUCT_FILL = "product"
AGENT_FILL = "agent"


@overload
def normalise_rgb(rgb: str) -> str: ...
@overload
def normalise_rgb(rgb: None) -> None: ...
@overload
def normalise_rgb(rgb: str | None) -> str | None: ...

def normalise_rgb(rgb: str | None) -> str | None:
    """'ffFFFF00' / 'FFFF00' -> 'FFFF00' (alpha ignored)."""
    if rgb is None:
        return None
    s = rgb.strip().upper().lstrip("#")
    return s[-6:] if len(s) == 8 else s


def _key(el: etree._Element) -> tuple:
    """Identity of a style entry, independent of namespace prefixes and attribute order."""
    return (el.tag, tuple(sorted(el.attrib.items())), (el.text or "").strip(),
            tuple(_key(child) for child in el if isinstance(child.tag, str)))


class Styles:
    """The parsed styles part and the formats derived from it during one run."""

    def __init__(self, root: etree._Element | None, file: str):
        self.root = root
        self.file = file
        self.dirty = False
        self._date_cache: dict[int, bool] = {}
        self._colour_owner_cache: dict[tuple[str, int, frozenset[str]], str] = {}   # ("fill"/"font", xf, product)
        self._derived: dict[tuple, int] = {}
        if root is None:
            self.numfmts = self.fonts = self.fills = self.xfs = None
            return
        self.numfmts = root.find(m("numFmts"))
        self.fonts = root.find(m("fonts"))
        self.fills = root.find(m("fills"))
        self.xfs = root.find(m("cellXfs"))
        self._custom_formats: dict[int, str] = {}
        if self.numfmts is not None:
            for nf in self.numfmts.iter(m("numFmt")):
                try:
                    self._custom_formats[int(nf.get("numFmtId", ""))] = nf.get("formatCode", "")
                except ValueError:
                    continue
        self._xf_list = list(self.xfs.iterchildren(m("xf"))) if self.xfs is not None else []
        self._fill_list = (list(self.fills.iterchildren(m("fill")))
                           if self.fills is not None else [])
        self._font_list = (list(self.fonts.iterchildren(m("font")))
                           if self.fonts is not None else [])
        self._xf_keys: dict[tuple, int] | None = None
        self._fill_keys: dict[tuple, int] | None = None
        self._font_keys: dict[tuple, int] | None = None

    # --- reading -------------------------------------------------------------------------
    def _require(self) -> etree._Element:
        """The styles root, when the workbook has one that formats can be derived in."""
        if self.root is None or self.xfs is None or self.fills is None or self.fonts is None:
            raise WorkbookError(f"Datei '{self.file}': Formatvorlagen (styles.xml) fehlen oder "
                                f"sind unvollständig — keine Formatierung möglich")
        return self.root

    def _xf(self, xf_id: int) -> etree._Element | None:
        if self.root is None or not 0 <= xf_id < len(self._xf_list):
            return None
        return self._xf_list[xf_id]

    def _xf_part(self, xf_id: int, attribute: str) -> int:
        """The number format, fill or font (``attribute``: numFmtId, fillId, fontId) that the
        format ``xf_id`` refers to; 0 (the default) when there is no such format."""
        xf = self._xf(xf_id)
        return int(xf.get(attribute, "0")) if xf is not None else 0

    def number_format(self, xf_id: int) -> tuple[int, str | None]:
        fid = self._xf_part(xf_id, "numFmtId")
        code = self._custom_formats.get(fid) if self.root is not None else None
        return fid, code if code is not None else BUILTIN_FORMATS.get(fid)

    def is_date(self, xf_id: int) -> bool:
        hit = self._date_cache.get(xf_id)
        if hit is None:
            hit = self._date_cache[xf_id] = is_date_format(*self.number_format(xf_id))
        return hit

    def fill_state(self, xf_id: int, product: frozenset[str]) -> str:
        """NO_FILL, PRODUCT_FILL (solid fill in one of the product's colours) or AGENT_FILL."""
        return self._colour_owner("fill", xf_id, product)

    def font_colour_state(self, xf_id: int, product: frozenset[str]) -> str:
        """NO_FILL when the text colour is automatic (no colour, auto, theme 1 = text dark,
        indexed 8/64), PRODUCT_FILL when it is one of the product's colours, else AGENT_FILL."""
        return self._colour_owner("font", xf_id, product)

    def _colour_owner(self, part: str, xf_id: int, product: frozenset[str]) -> str:
        """Whose colour the fill or the font (``part``) of format ``xf_id`` shows; cached."""
        key = (part, xf_id, product)
        hit = self._colour_owner_cache.get(key)
        if hit is None:
            if part == "fill":
                hit = self._fill_owner(self._xf_part(xf_id, "fillId"), product)
            else:
                hit = self._font_colour_owner(self._xf_part(xf_id, "fontId"), product)
            self._colour_owner_cache[key] = hit
        return hit

    def _fill_owner(self, fill_id: int, product: frozenset[str]) -> str:
        if not 1 < fill_id < len(self._fill_list):      # 0 and 1 are the reserved none/gray125
            return NO_FILL
        pattern = self._fill_list[fill_id].find(m("patternFill"))
        if pattern is None:
            return AGENT_FILL                            # gradient fill
        kind = pattern.get("patternType", "none")
        if kind == "solid":
            fg = pattern.find(m("fgColor"))
            rgb = normalise_rgb(fg.get("rgb")) if fg is not None else None
            return PRODUCT_FILL if rgb in product else AGENT_FILL
        return NO_FILL if kind == "none" else AGENT_FILL

    def _font_colour_owner(self, font_id: int, product: frozenset[str]) -> str:
        font = self._font_list[font_id] if 0 <= font_id < len(self._font_list) else None
        colour = font.find(m("color")) if font is not None else None
        if colour is None or colour.get("auto") in ("1", "true"):
            return NO_FILL
        if colour.get("rgb") is not None:
            return PRODUCT_FILL if normalise_rgb(colour.get("rgb")) in product else AGENT_FILL
        untinted_text_dark = colour.get("theme") == "1" and colour.get("tint") in (None, "0")
        if untinted_text_dark or colour.get("indexed") in ("8", "64"):
            return NO_FILL
        if colour.get("theme") is not None or colour.get("indexed") is not None:
            return AGENT_FILL
        return NO_FILL

    # --- deriving ------------------------------------------------------------------------
    def _index(self, container, items: list, attr: str) -> dict[tuple, int]:
        keys = getattr(self, attr)
        if keys is None:
            keys = {}
            for i, el in enumerate(items):
                keys.setdefault(_key(el), i)
            setattr(self, attr, keys)
        return keys

    def _add(self, container, items: list, attr: str, el: etree._Element) -> int:
        keys = self._index(container, items, attr)
        k = _key(el)
        if k in keys:
            return keys[k]
        container.append(el)
        items.append(el)
        keys[k] = len(items) - 1
        container.set("count", str(len(items)))
        self.dirty = True
        return len(items) - 1

    def _derive_xf(self, xf_id: int, **attrs: str) -> int:
        base_id = xf_id if self._xf(xf_id) is not None else 0
        base = self._xf(base_id)
        new = copy.deepcopy(base) if base is not None else etree.Element(m("xf"))
        for k, v in attrs.items():
            new.set(k, v)
        if base is not None and _key(new) == _key(base):
            return base_id
        return self._add(self.xfs, self._xf_list, "_xf_keys", new)

    def numfmt_id(self, code: str) -> int:
        """Id of a number format code: an existing custom one, a built-in, or a new one."""
        for fid, existing in self._custom_formats.items():
            if existing == code:
                return fid
        if code in BUILTIN_IDS:
            return BUILTIN_IDS[code]
        if self.numfmts is None:
            self.numfmts = etree.Element(m("numFmts"))
            self.numfmts.set("count", "0")
            anchor = self.fonts if self.fonts is not None else None
            if anchor is not None:
                anchor.addprevious(self.numfmts)
            else:
                self._require().insert(0, self.numfmts)
        fid = max([163, *self._custom_formats]) + 1
        nf = etree.SubElement(self.numfmts, m("numFmt"))
        nf.set("numFmtId", str(fid))
        nf.set("formatCode", code)
        self._custom_formats[fid] = code
        self.numfmts.set("count", str(len(self.numfmts)))
        self.dirty = True
        return fid

    def _derived_once(self, key: tuple, derive: Callable[[], int]) -> int:
        """The format ``derive()`` appends, appended once per ``key`` in a run (deriving needs a
        complete styles part)."""
        hit = self._derived.get(key)
        if hit is None:
            self._require()
            hit = self._derived[key] = derive()
        return hit

    def _base_font(self, xf_id: int) -> etree._Element | None:
        """The font of format ``xf_id`` (of format 0 when there is no such format); None when the
        list of fonts lacks it."""
        font_id = self._xf_part(xf_id if self._xf(xf_id) is not None else 0, "fontId")
        return self._font_list[font_id] if font_id < len(self._font_list) else None

    def _with_font(self, xf_id: int, font: etree._Element) -> int:
        new_font = self._add(self.fonts, self._font_list, "_font_keys", font)
        return self._derive_xf(xf_id, fontId=str(new_font), applyFont="1")

    def with_number_format(self, xf_id: int, code: str) -> int:
        """The cell's format with ``code`` as its number format."""
        return self._derived_once(("numfmt", xf_id, code), lambda: self._derive_xf(
            xf_id, numFmtId=str(self.numfmt_id(code)), applyNumberFormat="1"))

    def with_fill(self, xf_id: int, rgb: str | None) -> int:
        """The cell's format with a solid fill of ``rgb`` (None: no fill)."""
        rgb = normalise_rgb(rgb)

        def derive() -> int:
            if rgb is None:
                fill_id = 0
            else:
                fill = etree.Element(m("fill"))
                pattern = etree.SubElement(fill, m("patternFill"), patternType="solid")
                etree.SubElement(pattern, m("fgColor"), rgb="FF" + rgb)
                etree.SubElement(pattern, m("bgColor"), indexed="64")
                fill_id = self._add(self.fills, self._fill_list, "_fill_keys", fill)
            return self._derive_xf(xf_id, fillId=str(fill_id), applyFill="1")
        return self._derived_once(("fill", xf_id, rgb), derive)

    _FONT_AFTER_COLOUR = ("name", "family", "charset", "scheme")

    def with_font_colour(self, xf_id: int, rgb: str | None) -> int:
        """The cell's format with its font in text colour ``rgb`` (None: automatic)."""
        rgb = normalise_rgb(rgb)

        def derive() -> int:
            base_font = self._base_font(xf_id)
            font = copy.deepcopy(base_font) if base_font is not None else etree.Element(m("font"))
            for old in font.findall(m("color")):
                font.remove(old)
            if rgb is not None:
                colour = etree.Element(m("color"), rgb="FF" + rgb)
                after = next((c for c in font if isinstance(c.tag, str)
                              and etree.QName(c).localname in self._FONT_AFTER_COLOUR), None)
                if after is not None:
                    after.addprevious(colour)
                else:
                    font.append(colour)
            return self._with_font(xf_id, font)
        return self._derived_once(("fontcolour", xf_id, rgb), derive)

    def bold(self, xf_id: int = 0) -> int:
        """The cell's format with a bold version of its font."""
        def derive() -> int:
            base_font = self._base_font(xf_id)
            if base_font is not None and base_font.find(m("b")) is not None:
                return xf_id
            font = copy.deepcopy(base_font) if base_font is not None else etree.Element(m("font"))
            font.insert(0, etree.Element(m("b")))
            return self._with_font(xf_id, font)
        return self._derived_once(("bold", xf_id), derive)

__all__ = ["AGENT_FILL", "MAIN_NS", "NO_FILL", "PRODUCT_FILL", "Styles", "normalise_rgb"]
