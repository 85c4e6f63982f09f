"""Finding columns by their header text in row 1 (SPEC §0 "Layout contract")."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .catalog import Core
from .cells import address
from .findings import Finding
from .plan import CellWrite
from .values import nearest_choice, norm_text

__all__ = ["ColumnMap", "add_missing_columns", "header_findings", "locate_columns", "norm_header"]


def norm_header(text: object) -> str:
    """Header text for matching: casefolded, stripped, inner blanks (NBSP, line breaks in the
    header cell) collapsed to one space."""
    return norm_text(text).casefold()


@dataclass
class ColumnMap:
    sheet: str
    columns: dict[str, int]           # canonical header -> 1-based column number (found ones)
    missing: list[str]                # canonical headers not found
    duplicates: dict[str, list[int]]  # canonical header -> every column it was found in (sorted)
    headers: list[str] = field(default_factory=list)  # row 1 as text (index 0 = column A)

    def col(self, name: str) -> int | None:
        """Column number of a canonical header (exact name, or matched like a header)."""
        if name in self.columns:
            return self.columns[name]
        want = norm_header(name)
        for canonical, col in self.columns.items():
            if norm_header(canonical) == want:
                return col
        return None

    def required(self, name: str) -> int:
        """Column number of a header the table is known to have (a required one, checked by the
        caller); KeyError when it has not."""
        col = self.col(name)
        if col is None:
            raise KeyError(f"{self.sheet}: column '{name}' is not in the table")
        return col

    def cols(self, names: Iterable[str]) -> list[int]:
        """Column numbers of those of ``names`` the table has, in that order."""
        return [c for c in map(self.col, names) if c is not None]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.col(name) is not None

    @property
    def last_column(self) -> int:
        """The table's last column: its last header cell with text, or a column found further
        right (at least 1)."""
        return max([i for i, h in enumerate(self.headers, start=1) if h] + list(self.columns.values()) + [1])

    def table_columns(self) -> tuple[int, ...]:
        """Columns 1 … ``last_column``: the width of a row's fill."""
        return tuple(range(1, self.last_column + 1))


def _alias_lookup(aliases: Mapping[str, Sequence[str]] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, names in (aliases or {}).items():
        if isinstance(names, str):
            names = [names]
        out.setdefault(norm_header(key), []).extend(norm_header(n) for n in names if norm_header(n))
    return out


def locate_columns(sheet: str, header_row: Sequence, wanted: Sequence[str],
                   aliases: Mapping[str, Sequence[str]] | None = None) -> ColumnMap:
    """Find each wanted header in row 1 (``header_row[0]`` is column A) by norm_header
    equality with its text or one of its aliases (keys are canonical names). The first
    occurrence wins; every column a header was found in is listed in ``duplicates``. An alias
    that is another wanted header's own name is ignored: that column is the other header's
    (``Alias support_comment = Notizen`` never makes the internal notes the comment)."""
    texts = [norm_text(v) for v in header_row]
    keys = [t.casefold() for t in texts]
    alias_map = _alias_lookup(aliases)
    own = {norm_header(n) for n in wanted}
    columns: dict[str, int] = {}
    missing: list[str] = []
    duplicates: dict[str, list[int]] = {}
    for name in wanted:
        accepted = {norm_header(name), *(a for a in alias_map.get(norm_header(name), []) if a not in own)}
        found = [i + 1 for i, k in enumerate(keys) if k and k in accepted]
        if not found:
            missing.append(name)
            continue
        columns[name] = found[0]
        if len(found) > 1:
            duplicates[name] = found
    return ColumnMap(sheet=sheet, columns=columns, missing=missing, duplicates=duplicates,
                     headers=texts)


def header_findings(cmap: ColumnMap, required: Sequence[str], lang: str = "de",
                    consequence: str = "") -> list[Finding]:
    """``XL-HEADER-MISSING`` (sheet-level) per missing required header, with the nearest
    unclaimed header text as suggestion and ``consequence`` after the message;
    ``XL-HEADER-DUPLICATE`` at the second occurrence of a header found more than once.
    Messages in ``lang``."""
    findings: list[Finding] = []
    claimed = set(cmap.columns.values())
    unclaimed = [t for i, t in enumerate(cmap.headers, start=1) if t and i not in claimed]
    required_keys = {norm_header(r) for r in required}
    for name in cmap.missing:
        if norm_header(name) not in required_keys:
            continue
        findings.append(Core.HEADER_MISSING.at(cmap.sheet, lang=lang, header=name, consequence=consequence,
                                               suggestion=nearest_choice(name, unclaimed)))
    for name, cols in cmap.duplicates.items():
        findings.append(Core.HEADER_DUPLICATE.at(
            cmap.sheet, address(1, cols[1]), lang=lang, header=name,
            cells=", ".join(address(1, c) for c in cols), used=address(1, cols[0])))
    return findings


def add_missing_columns(cmap: ColumnMap, wanted: Sequence[str]) -> list[CellWrite]:
    """The header cells to write for the columns of ``wanted`` the sheet lacks (the computed
    columns), each after the table's last column. A column found under an alias is present and
    never added again. ``cmap`` learns the new columns, so later look-ups find them."""
    writes: list[CellWrite] = []
    for name in wanted:
        if cmap.col(name) is not None:
            continue
        col = max([i for i, h in enumerate(cmap.headers, start=1) if h] + list(cmap.columns.values()) + [0]) + 1
        writes.append(CellWrite(cmap.sheet, 1, col, name))
        cmap.columns[name] = col
        cmap.headers += [""] * (col - len(cmap.headers))
        cmap.headers[col - 1] = norm_text(name)
    return writes
