"""The parts that move with a sheet's rows, one by one: threaded comments, notes' VML shapes,
drawing anchors, chart series and pivot sources (the agent-shaped end-to-end runs are in
test_agent_tables.py)."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st
from lxml import etree

from xl_addin.package import moves
from xl_addin.package.refs import RowInsert, RowShift, shift_formula

TC = moves.TC_NS
XDR = moves.XDR_NS


def test_threaded_comments_on_a_deleted_row_go_the_others_move():
    root = etree.fromstring(
        f'<ThreadedComments xmlns="{TC}"><threadedComment ref="E2" id="a"/>'
        f'<threadedComment ref="E3" id="b"/><threadedComment ref="E3" id="c" parentId="b"/>'
        f'<threadedComment ref="E5" id="d"/></ThreadedComments>'.encode())
    removed = moves.move_threaded(root, RowShift([3]), {3})
    assert removed == {"E3"}
    assert [(t.get("id"), t.get("ref")) for t in root] == [("a", "E2"), ("d", "E4")]


def test_note_shapes_follow_their_cells_and_go_with_their_row():
    vml = (b'<xml><v:shape id="_x0000_s1025"><x:ClientData ObjectType="Note">'
           b'<x:Anchor>5, 15, 1, 10, 7, 15, 5, 4</x:Anchor><x:Row>2</x:Row><x:Column>4</x:Column>'
           b'</x:ClientData></v:shape><v:shape id="_x0000_s1026"><x:ClientData ObjectType="Note">'
           b'<x:Anchor>5, 15, 4, 10, 7, 15, 8, 4</x:Anchor><x:Row>4</x:Row><x:Column>4</x:Column>'
           b'</x:ClientData></v:shape></xml>')
    out = moves.move_vml(vml, RowShift([3]), {3})
    assert b"_x0000_s1025" not in out                       # the note of row 3 (x:Row 2) went
    assert b"<x:Row>3</x:Row>" in out and b"<x:Anchor>5, 15, 3, 10, 7, 15, 7, 4</x:Anchor>" in out


def test_drawings_move_with_cells_unless_absolute():
    root = etree.fromstring(
        f'<xdr:wsDr xmlns:xdr="{XDR}"><xdr:twoCellAnchor><xdr:from><xdr:row>9</xdr:row></xdr:from>'
        f'<xdr:to><xdr:row>14</xdr:row></xdr:to></xdr:twoCellAnchor>'
        f'<xdr:twoCellAnchor editAs="absolute"><xdr:from><xdr:row>9</xdr:row></xdr:from>'
        f'<xdr:to><xdr:row>14</xdr:row></xdr:to></xdr:twoCellAnchor></xdr:wsDr>'.encode())
    assert moves.move_drawing(root, RowShift([3, 12]))
    rows = [int(r.text) for r in root.iter(f"{{{XDR}}}row")]
    assert rows == [8, 12, 9, 14]


def test_chart_series_and_pivot_sources_follow_only_their_sheet():
    c = "http://schemas.openxmlformats.org/drawingml/2006/chart"
    chart = etree.fromstring(f'<c:chartSpace xmlns:c="{c}"><c:f>\'Warten auf Freigabe\'!$H$2:$H$9</c:f>'
                             f'<c:f>Andere!$H$2:$H$9</c:f></c:chartSpace>'.encode())
    assert moves.move_formula_texts(chart, RowShift([4]), "Warten auf Freigabe")
    assert [f.text for f in chart] == ["'Warten auf Freigabe'!$H$2:$H$8", "Andere!$H$2:$H$9"]
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    pivot = etree.fromstring(f'<pivotCacheDefinition xmlns="{main}"><cacheSource><worksheetSource '
                             f'ref="A1:N9" sheet="Warten auf Freigabe"/></cacheSource>'
                             f'</pivotCacheDefinition>'.encode())
    assert moves.move_pivot_source(pivot, RowInsert(5, 2), "Warten auf Freigabe")
    assert pivot.find(f".//{{{main}}}worksheetSource").get("ref") == "A1:N11"


def test_the_products_own_text_is_never_a_reference():
    # the Prüfung sheet says "Warten auf Freigabe!E5" as text; in a formula's string it stays
    assert shift_formula('"Warten auf Freigabe!E5"', RowShift([5]), "Warten auf Freigabe",
                         on_sheet=False) == '"Warten auf Freigabe!E5"'
    assert shift_formula("'Warten auf Freigabe'!E5", RowShift([5]), "Warten auf Freigabe",
                         on_sheet=False) == "'Warten auf Freigabe'!#REF!"


_refs = st.builds(lambda c, d, r: f"{c}{d}{r}", st.sampled_from(["A", "$B", "AB", "$Q"]), st.sampled_from(["", "$"]),
                  st.integers(1, 60))
_ranges = st.builds(lambda c, d, rows: f"{c}{d}{min(rows)}:{c}{d}{max(rows)}", st.sampled_from(["A", "$B"]),
                    st.sampled_from(["", "$"]), st.tuples(st.integers(1, 60), st.integers(1, 60)))
_operands = st.one_of(_refs, _ranges,
                      st.builds(lambda r: f"'Warten auf Freigabe'!{r}", _refs),
                      st.builds(lambda r: f"Andere!{r}", _refs),
                      st.sampled_from(['"E5"', "42", "TODAY()", "Tabelle1[Status]", "A:A", "3:7"]))


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(_operands, min_size=1, max_size=4), op=st.sampled_from(["+", "&", ",", "<"]),
       deleted=st.sets(st.integers(1, 60), min_size=1, max_size=5), insert=st.none() | st.tuples(st.integers(1, 60),
                                                                                                   st.integers(1, 3)),
       anchor_row=st.none() | st.integers(1, 60), on_sheet=st.booleans())
def test_a_formula_whose_references_all_lie_above_the_moved_rows_is_left_as_it_is(parts, op, deleted, insert,
                                                                                  anchor_row, on_sheet):
    """shift_formula skips the tokenizer (and loading openpyxl) when no number in the formula
    reaches the rows that move — the same text as tokenizing it."""
    from xl_addin.package.refs import _shift_tokens
    formula = "SUM(" + op.join(parts) + ")" if op == "," else op.join(parts)
    shift = RowInsert(*insert) if insert else RowShift(deleted)
    anchor = None if anchor_row is None else (anchor_row, shift.position(anchor_row))
    sheet = "Warten auf Freigabe"
    got = shift_formula(formula, shift, sheet, on_sheet=on_sheet, anchor=anchor)
    if not on_sheet and sheet.casefold() not in formula.casefold():
        assert got == formula
    else:
        assert got == _shift_tokens(formula, shift, sheet, on_sheet, anchor)
