"""The status list of one vendor (seed 004): its orders with chosen Schulden-Status values, as CSV
and .xlsx — what support sends a vendor who asks for "all my orders at the agency".

`Blockiert` is an internal pause that vendors never see (SPEC §2), so the list is an allow-list
of what a vendor may see: asking for `Blockiert` (or `blocked`) is refused; an order whose
Schulden-Status is `Blockiert`, or whose incasso_state is `blocked`, is never listed
(``INK-LIST-BLOCKED``, for the agent only); and an order whose Schulden-Status cannot be read is
not listed either (its text might be a misspelt `Blockiert`) — ``INK-LIST-STATUS-INVALID`` says so.

Pure: the list and the bytes of both files; ``xl_addin.actions`` writes them."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from ...core.cellreader import as_day
from ...core.findings import ERROR, Finding
from ...core.settings import Settings
from ...core.values import (
    ParseError,
    display,
    format_date_de,
    id_for_output,
    is_blank,
    match_choice,
    nearest_choice,
    parse_amount,
    parse_date,
    parse_id,
)
from ...core.workbook_data import WorkbookData
from .findings import Inkasso as INK
from .handover import (
    _canonical_vendor,
    _in_sheet_order,
    _Master,
    _open_master,
    _order_key,
    _plain_text,
    _safe_part,
    _vendor_rows,
    guard_formula,
    name_too_long,
)
from .schema import (
    DEBT_BLOCKED,
    DEBT_STATUSES,
    DEBT_TO_STATE,
    INCASSO_STATES,
    M_AMOUNT,
    M_DEBT_STATUS,
    M_FIRST_LETTER,
    M_FIRST_NAME,
    M_INCASSO_DATE,
    M_INCASSO_STATE,
    M_INVOICE_NO,
    M_LAST_NAME,
    M_NOTES,
    M_ORDER_ID,
    M_PRODUCT,
    M_SECOND_LETTER,
    M_SUPPORT_COMMENT,
    M_VENDOR_ID,
    SETTINGS,
    SHEET_MASTER,
    STATE_BLOCKED,
    W_FIRST_LETTER,
    W_ORDER_ID,
    W_SECOND_LETTER,
    WAITING_HEADERS,
)

# Status list: output header -> Masterliste column
HEADER_HANDOVER = "Übergabe ans Inkasso"
_STATUS_LIST_COLUMNS: list[tuple[str, str]] = [
    (WAITING_HEADERS[W_ORDER_ID - 1], M_ORDER_ID),
    (M_INVOICE_NO, M_INVOICE_NO),
    (M_FIRST_NAME, M_FIRST_NAME),
    (M_LAST_NAME, M_LAST_NAME),
    (M_PRODUCT, M_PRODUCT),
    (M_AMOUNT, M_AMOUNT),
    (WAITING_HEADERS[W_FIRST_LETTER - 1], M_FIRST_LETTER),
    (WAITING_HEADERS[W_SECOND_LETTER - 1], M_SECOND_LETTER),
    (HEADER_HANDOVER, M_INCASSO_DATE),
    (M_DEBT_STATUS, M_DEBT_STATUS),
]
STATUS_LIST_HEADER: list[str] = [out for out, _ in _STATUS_LIST_COLUMNS]
STATUS_CSV_DELIMITER = ";"          # German Excel opens ';'-separated files directly
STATUS_CSV_ENCODING = "utf-8-sig"   # BOM: Excel shows umlauts right
_XLSX_DATE_FORMAT = "DD.MM.YYYY"
_XLSX_AMOUNT_FORMAT = "#,##0.00 €"
_XLSX_ID_FORMAT = "0"


@dataclass
class StatusList:
    vendor_id: str
    statuses: list[str]           # canonical Schulden-Status values asked for ([] = all)
    header: list[str]
    rows: list[list]              # plain values (ids as int/str, dates as date)
    findings: list[Finding] = field(default_factory=list)


# what a vendor may see: every Schulden-Status but the internal pause
VENDOR_STATUSES = [s for s in DEBT_STATUSES if s != DEBT_BLOCKED]

# incasso_state names are accepted as another spelling of their Schulden-Status
_STATE_TO_DEBT = {state: debt for debt, state in DEBT_TO_STATE.items()}


def resolve_statuses(statuses: Sequence[str] | str | None) -> list[str]:
    """Canonical Schulden-Status values (case/blank-insensitive; the matching incasso_state is
    accepted too). Unknown value -> ValueError naming the nearest valid status."""
    if statuses is None:
        return []
    if isinstance(statuses, str):
        statuses = [statuses]
    out: list[str] = []
    for raw in statuses:
        if is_blank(raw):
            continue
        status = match_choice(raw, DEBT_STATUSES)
        if status is None:
            state = match_choice(raw, INCASSO_STATES)
            status = _STATE_TO_DEBT.get(state) if state else None
        if status is None:
            nearest = nearest_choice(raw, VENDOR_STATUSES)
            hint = f" — meinten Sie '{nearest}'?" if nearest else ""
            raise ValueError(f"'{raw}' ist kein gültiger Schulden-Status{hint} "
                             f"(erlaubt: {', '.join(VENDOR_STATUSES)})")
        if status == DEBT_BLOCKED:
            raise ValueError(f"Schulden-Status '{DEBT_BLOCKED}' ist intern und wird Vendoren nie gezeigt — "
                             f"keine Status-Liste dafür (erlaubt: {', '.join(VENDOR_STATUSES)})")
        if status not in out:
            out.append(status)
    return out


def _lenient(master: _Master, number: int, values: list, name: str, parser, key: str,
             findings: list[Finding]) -> object:
    raw = master.value(values, name)
    try:
        return parser(raw)
    except ParseError as e:
        findings.append(INK.LIST_VALUE.at(master.sheet.name, master.cell(number, name), key=key,
                                          suggestion=e.suggestion, header=name, reason=str(e)))
        return raw


def _id_value(raw: object) -> object:
    canonical = parse_id(raw)
    return None if canonical is None else id_for_output(canonical)


def _text_value(raw: object) -> object:
    return None if is_blank(raw) else _plain_text(raw)


def _date_value(raw: object) -> object:
    return as_day(parse_date(raw))


def build_status_list(wb: WorkbookData, vendor_id: object, statuses: Sequence[str] | None,
                      settings: Settings | None = None) -> StatusList:
    """The vendor's orders whose Schulden-Status is one of ``statuses`` (none = all), with the
    columns a vendor may see (never Notizen or support_comment)."""
    settings = settings or Settings.defaults(SETTINGS)
    vid = _canonical_vendor(vendor_id)
    wanted = resolve_statuses(statuses)
    result = StatusList(vid, wanted, list(STATUS_LIST_HEADER), [], [])
    sources = [src for _, src in _STATUS_LIST_COLUMNS]
    required = [M_VENDOR_ID, M_ORDER_ID, M_DEBT_STATUS]
    # incasso_state (blocked?), support_comment and Notizen are looked up, never listed: no alias can
    # make an internal column one of the list's
    internal = [M_INCASSO_STATE, M_SUPPORT_COMMENT, M_NOTES]
    master, problems = _open_master(wb, settings, [M_VENDOR_ID] + sources + internal, required)
    result.findings += problems
    if master is None or any(f.severity == ERROR for f in problems):
        return result
    for name in (n for n in master.cmap.missing if n not in internal):   # optional: blank in the list
        result.findings.append(INK.LIST_COLUMN_MISSING.at(master.sheet.name, header=name))
    parsers = {M_ORDER_ID: _id_value, M_INVOICE_NO: _id_value, M_AMOUNT: parse_amount,
               M_FIRST_LETTER: _date_value, M_SECOND_LETTER: _date_value,
               M_INCASSO_DATE: _date_value}
    vendor_rows = _vendor_rows(master, vid, result.findings, INK.LIST_FORMULA_NO_VALUE)
    for number, values in vendor_rows:
        raw_status = master.value(values, M_DEBT_STATUS)
        status = match_choice(raw_status, DEBT_STATUSES)
        key = _order_key(master, values)
        for src in sources:               # never a blank in the list without a word
            if master.formula_without_value(number, src):
                result.findings.append(INK.LIST_FORMULA_NO_VALUE.at(
                    master.sheet.name, master.cell(number, src), key=key, header=src,
                    consequence="die Bestellung fehlt vielleicht in der Liste"
                    if src == M_DEBT_STATUS and wanted else "bleibt in der Status-Liste leer"))
        if status is None and not is_blank(raw_status):
            result.findings.append(INK.LIST_STATUS_INVALID.at(
                master.sheet.name, master.cell(number, M_DEBT_STATUS), key=key,
                suggestion=nearest_choice(raw_status, DEBT_STATUSES), value=display(raw_status)))
            continue
        if wanted and status not in wanted:
            continue
        state = match_choice(master.value(values, M_INCASSO_STATE), INCASSO_STATES)
        if status == DEBT_BLOCKED or state == STATE_BLOCKED:
            where = M_DEBT_STATUS if status == DEBT_BLOCKED else M_INCASSO_STATE
            result.findings.append(INK.LIST_BLOCKED.at(
                master.sheet.name, master.cell(number, where), key=key, order_id=key or "?",
                value=DEBT_BLOCKED if where == M_DEBT_STATUS else STATE_BLOCKED, header=where))
            continue
        row: list[object] = []
        for _, src in _STATUS_LIST_COLUMNS:
            if src == M_DEBT_STATUS:
                row.append(status)                  # a valid status, or None for a blank one
            else:
                parser = parsers.get(src, _text_value)
                row.append(_lenient(master, number, values, src, parser, key, result.findings))
        result.rows.append(row)
    if not vendor_rows:
        result.findings.append(INK.LIST_NO_ROWS.at(master.sheet.name, key=vid, vendor_id=vid, sheet=SHEET_MASTER))
    elif not result.rows:
        result.findings.append(INK.LIST_EMPTY.at(master.sheet.name, key=vid, vendor_id=vid,
                                                 statuses=", ".join(wanted)))
    length = name_too_long(status_list_basename(result) + ".xlsx")
    if length:
        result.findings.append(INK.FILE_NAME_TOO_LONG.at(SHEET_MASTER, key=vid, vendor_id=vid, length=length))
    result.findings = _in_sheet_order(result.findings)
    return result


def _slug(text: str) -> str:
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.casefold().replace(umlaut, plain)
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def status_list_basename(sl: StatusList) -> str:
    """``status_<vendor>_<statuses or 'alle'>`` (without extension)."""
    part = "-".join(_slug(s) for s in sl.statuses) or "alle"
    return f"status_{_safe_part(sl.vendor_id)}_{part}"


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return format_date_de(value)
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, str):
        return guard_formula(value)
    return value


def status_csv_bytes(sl: StatusList) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=STATUS_CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(sl.header)
    for row in sl.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buf.getvalue().encode(STATUS_CSV_ENCODING)


_NOT_IN_XML = re.compile(r"_x[0-9A-Fa-f]{4}_|[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """A text as Excel keeps it in its XML: a control character XML cannot hold as ``_xHHHH_``
    (openpyxl refuses it: IllegalCharacterError), a literal ``_xHHHH_`` protected as
    ``_x005F_xHHHH_`` — so the list holds the agent's value exactly, as Excel shows it."""
    return _NOT_IN_XML.sub(lambda m: "_x005F" + m[0] if len(m[0]) > 1 else f"_x{ord(m[0]):04X}_", text)


def status_xlsx_bytes(sl: StatusList) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook()
    ws = book.active
    assert isinstance(ws, Worksheet)         # a new workbook's one sheet
    ws.title = "Status-Liste"
    book.properties.title = f"Bestellungen von Vendor {sl.vendor_id}"
    widths = [len(h) for h in sl.header]
    for c, title in enumerate(sl.header, start=1):
        ws.cell(row=1, column=c, value=title).font = Font(bold=True)
    for r, row in enumerate(sl.rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if value is None:
                continue
            cell.value = _xml_text(value) if isinstance(value, str) else value
            if isinstance(value, str):
                cell.data_type = "s"            # text stays text, even "=..." (no formula)
                shown = value
            elif isinstance(value, (date, datetime)):
                cell.number_format = _XLSX_DATE_FORMAT
                shown = "00.00.0000"
            elif isinstance(value, float):
                cell.number_format = _XLSX_AMOUNT_FORMAT
                shown = f"{value:,.2f} €"
            else:
                cell.number_format = _XLSX_ID_FORMAT
                shown = str(value)
            widths[c - 1] = max(widths[c - 1], len(shown))
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 10), 60)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(sl.header))}{max(len(sl.rows) + 1, 1)}"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
