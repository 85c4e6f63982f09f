"""The parts that move with a sheet's rows, one by one: threaded comments, notes' VML shapes,
drawing anchors, chart series and pivot sources (the agent-shaped end-to-end runs are in
test_agent_tables.py)."""
from __future__ import annotations

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
