"""Print setup of a sheet the product writes: one page wide (Excel's "Fit to 1 page wide by
automatic tall"), portrait, A4.

Only where the sheet has no ``<pageSetup>`` of its own: a sheet the product creates gets it; a
sheet whose print setup someone chose (Excel writes ``<pageSetup>`` as soon as it is changed, or
the file was printed) keeps it as it is."""
from __future__ import annotations

from lxml import etree

from .sheet import MAIN_NS


def _m(tag: str) -> str:
    return f"{{{MAIN_NS}}}{tag}"


# CT_Worksheet children after <pageSetup> (ECMA-376 §18.3.1.99), and CT_SheetPr's after <pageSetUpPr>
_AFTER_PAGE_SETUP = ("headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches",
                     "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF",
                     "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts",
                     "extLst")
_BEFORE_SHEET_PR_CHILD = ("tabColor", "outlinePr")
A4 = "9"


def _local(el: etree._Element) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _insert_before_first(root: etree._Element, new: etree._Element, later: tuple[str, ...]) -> None:
    after = next((c for c in root if _local(c) in later), None)
    if after is not None:
        after.addprevious(new)
    else:
        root.append(new)


def print_one_page_wide(root: etree._Element) -> bool:
    """Set the sheet to print one page wide, as many pages down as needed, portrait A4, when it
    has no page setup yet. True when the XML changed."""
    if root.find(_m("pageSetup")) is not None:
        return False
    sheet_pr = root.find(_m("sheetPr"))
    if sheet_pr is None:
        sheet_pr = root.makeelement(_m("sheetPr"), {})
        root.insert(0, sheet_pr)
    fit = sheet_pr.find(_m("pageSetUpPr"))
    if fit is None:
        fit = sheet_pr.makeelement(_m("pageSetUpPr"), {})
        before = [c for c in sheet_pr if _local(c) in _BEFORE_SHEET_PR_CHILD]
        if before:
            before[-1].addnext(fit)
        else:
            sheet_pr.insert(0, fit)
    fit.set("fitToPage", "1")
    setup = root.makeelement(_m("pageSetup"), {"paperSize": A4, "orientation": "portrait",
                                               "fitToWidth": "1", "fitToHeight": "0"})
    margins = root.find(_m("pageMargins"))
    if margins is None:
        margins = root.makeelement(_m("pageMargins"), {"left": "0.7", "right": "0.7", "top": "0.75",
                                                       "bottom": "0.75", "header": "0.3", "footer": "0.3"})
        _insert_before_first(root, margins, _AFTER_PAGE_SETUP)
    margins.addnext(setup)
    return True


__all__ = ["print_one_page_wide"]
