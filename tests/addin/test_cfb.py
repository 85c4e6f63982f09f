"""Our OLE compound-file writer (xl_addin.addin.cfb), the container of the add-in's
``vbaProject.bin``. Every file is read back twice: by olefile at its strictest defect level
(every stream byte-identical, the storage tree as written) and by the checker below, which
reads the [MS-CFB] structures itself and asserts what olefile does not look at — every sector
accounted for exactly once, sibling order, red-black colouring, zero timestamps/CLSIDs."""
from __future__ import annotations

import itertools
import struct

import olefile
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from xl_addin.addin import cfb
from xl_addin.addin.cfb import CompoundFileError, compound_file, name_order_key, write_compound_file

ENDOFCHAIN, FREESECT, FATSECT, DIFSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFC, 0xFFFFFFFF


def payload(size: int, seed: int = 0) -> bytes:
    """Bytes that differ from sector to sector, so a wrong chain shows up."""
    block = bytes((seed * 31 + i * 7 + i // 251) % 256 for i in range(4099))
    return (block * (size // len(block) + 1))[:size]


# ------------------------------------------------------------------ an independent reader

def cfb_less(a: str, b: str) -> bool:
    """[MS-CFB] 2.6.4 for the names used here (upper case is one character): fewer UTF-16
    code units first, then the upper-cased code units."""
    ua, ub = (struct.unpack(f"<{len(x.encode('utf-16-le')) // 2}H", x.upper().encode("utf-16-le")) for x in (a, b))
    return (len(ua), ua) < (len(ub), ub)


def check_cfb(data: bytes) -> tuple[dict[tuple[str, ...], bytes], set[tuple[str, ...]], set[tuple[str, ...]]]:
    """Parse ``data`` strictly. Returns (streams by path, storage paths, paths in the mini stream)."""
    assert len(data) % 512 == 0 and len(data) >= 1024
    (sig, clsid, minor, major, order, shift, mini_shift, reserved, n_dir, n_fat, dir_start, trans,
     cutoff, minifat_start, n_minifat, difat_start, n_difat) = struct.unpack_from("<8s16sHHHHH6sIIIIIIIII", data)
    assert sig == bytes.fromhex("D0CF11E0A1B11AE1") and clsid == bytes(16)
    assert (minor, major, order, shift, mini_shift) == (0x3E, 3, 0xFFFE, 9, 6)
    assert reserved == bytes(6) and n_dir == 0 and trans == 0 and cutoff == 4096
    n_sectors = len(data) // 512 - 1

    def sector(i: int) -> bytes:
        assert 0 <= i < n_sectors, f"sector {i} outside the file"
        return data[512 * (i + 1):512 * (i + 2)]

    def u32s(raw: bytes) -> list[int]:
        return list(struct.unpack(f"<{len(raw) // 4}I", raw))

    # DIFAT: the header's 109 entries, then the chain of DIFAT sectors
    header_difat = u32s(data[76:512])
    fat_sectors = header_difat[:min(n_fat, 109)]
    assert all(s == FREESECT for s in header_difat[len(fat_sectors):])
    difat_sectors: list[int] = []
    nxt = difat_start
    for _ in range(n_difat):
        difat_sectors.append(nxt)
        ids = u32s(sector(nxt))
        fat_sectors += [s for s in ids[:127] if s != FREESECT]
        nxt = ids[127]
    assert nxt == ENDOFCHAIN and len(fat_sectors) == n_fat
    fat = [v for s in fat_sectors for v in u32s(sector(s))]
    assert len(fat) >= n_sectors
    assert all(v == FREESECT for v in fat[n_sectors:]), "FAT entries past the end of the file"
    owner: dict[int, str] = {}
    for s in fat_sectors:
        assert fat[s] == FATSECT
        owner[s] = "FAT"
    for s in difat_sectors:
        assert fat[s] == DIFSECT
        owner[s] = "DIFAT"

    def chain(start: int, what: str) -> list[int]:
        out = []
        s = start
        while s != ENDOFCHAIN:
            assert s < n_sectors and s not in owner, f"{what}: sector {s} reused or outside"
            owner[s] = what
            out.append(s)
            s = fat[s]
        return out

    def read(start: int, size: int, what: str) -> bytes:
        sectors = chain(start, what)
        assert len(sectors) == -(-size // 512), f"{what}: chain length"
        return b"".join(sector(s) for s in sectors)[:size]

    directory = b"".join(sector(s) for s in chain(dir_start, "directory"))
    minifat_sectors = chain(minifat_start, "mini FAT")
    assert len(minifat_sectors) == n_minifat
    minifat = [v for s in minifat_sectors for v in u32s(sector(s))]

    entries = []
    for i in range(len(directory) // 128):
        raw = directory[128 * i:128 * (i + 1)]
        (name, name_len, kind, color, left, right, child, e_clsid, state, created, modified, start,
         size) = struct.unpack("<64sHBBIII16sIQQIQ", raw)
        if kind == 0:
            assert raw == struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                                      bytes(16), 0, 0, 0, 0, 0), f"unused entry {i} not blank"
            entries.append(None)
            continue
        assert name_len % 2 == 0 and 2 <= name_len <= 64 and name[name_len - 2:name_len] == b"\0\0"
        assert name[name_len:] == bytes(64 - name_len)
        assert kind in (1, 2, 5) and color in (0, 1)
        assert e_clsid == bytes(16) and state == 0 and created == 0 and modified == 0
        entries.append(dict(name=name[:name_len - 2].decode("utf-16-le"), kind=kind, color=color,
                            left=left, right=right, child=child, start=start, size=size))
    root = entries[0]
    assert root["kind"] == 5 and root["name"] == "Root Entry" and root["color"] == 1
    assert root["left"] == root["right"] == NOSTREAM
    assert root["size"] % 64 == 0
    ministream = read(root["start"], root["size"], "mini stream") if root["size"] else b""
    if not root["size"]:
        assert root["start"] == ENDOFCHAIN and not minifat_sectors
    assert all(v == FREESECT for v in minifat[root["size"] // 64:])
    mini_owner: set[int] = set()

    def read_mini(start: int, size: int, what: str) -> bytes:
        out = []
        s = start
        while s != ENDOFCHAIN:
            assert s < root["size"] // 64 and s not in mini_owner, f"{what}: mini sector {s}"
            mini_owner.add(s)
            out.append(ministream[64 * s:64 * (s + 1)])
            s = minifat[s]
        assert len(out) == -(-size // 64), f"{what}: mini chain length"
        return b"".join(out)[:size]

    streams: dict[tuple[str, ...], bytes] = {}
    storages: set[tuple[str, ...]] = set()
    in_mini: set[tuple[str, ...]] = set()
    seen: set[int] = {0}

    def children(sid: int, parent: tuple[str, ...]) -> None:
        """In-order walk of one storage's red-black tree, checking order and colours."""
        order: list[str] = []

        def walk(node: int, red_parent: bool) -> int:          # returns the black height
            if node == NOSTREAM:
                return 1
            assert node not in seen, f"entry {node} linked twice"
            seen.add(node)
            e = entries[node]
            red = e["color"] == 0
            assert not (red and red_parent), f"{parent}: red entry {e['name']} under a red one"
            left = walk(e["left"], red)
            order.append(e["name"])
            visit(node, parent + (e["name"],))
            right = walk(e["right"], red)
            assert left == right, f"{parent}: unequal black heights below {e['name']}"
            return left + (0 if red else 1)

        if sid != NOSTREAM:
            assert entries[sid]["color"] == 1, f"{parent}: red tree root"
        walk(sid, False)
        assert all(cfb_less(a, b) for a, b in itertools.pairwise(order)), f"{parent}: sibling order {order}"

    def visit(sid: int, path: tuple[str, ...]) -> None:
        e = entries[sid]
        if e["kind"] == 1:
            assert e["start"] == 0 and e["size"] == 0
            storages.add(path)
            children(e["child"], path)
            return
        assert e["kind"] == 2 and e["child"] == NOSTREAM
        if e["size"] == 0:
            assert e["start"] == ENDOFCHAIN
            streams[path] = b""
        elif e["size"] < 4096:
            streams[path] = read_mini(e["start"], e["size"], "/".join(path))
            in_mini.add(path)
        else:
            streams[path] = read(e["start"], e["size"], "/".join(path))

    children(root["child"], ())
    assert seen == {i for i, e in enumerate(entries) if e is not None}, "unreachable directory entries"
    assert len(owner) == n_sectors, "sectors that belong to nothing"
    assert mini_owner == set(range(root["size"] // 64)), "mini sectors that belong to nothing"
    return streams, storages, in_mini


def expected_storages(tree: dict) -> set[tuple[str, ...]]:
    out = {p for p, v in tree.items() if v is None}
    for p in tree:
        out |= {tuple(p[:i]) for i in range(1, len(p))}
    return out


def roundtrip(tree: dict) -> bytes:
    """Write ``tree`` and assert both readers see exactly it; returns the file."""
    data = compound_file(tree)
    streams, storages, in_mini = check_cfb(data)
    want = {p: v for p, v in tree.items() if v is not None}
    assert streams == want
    assert storages == expected_storages(tree)
    assert in_mini == {p for p, v in want.items() if 0 < len(v) < 4096}
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_UNSURE)
    try:
        assert not ole.parsing_issues
        assert {tuple(p) for p in ole.listdir(streams=True, storages=False)} == set(want)
        assert {tuple(p) for p in ole.listdir(streams=False, storages=True)} == storages
        for path, value in want.items():
            assert ole.get_size(list(path)) == len(value)
            assert ole.openstream(list(path)).read() == value, path
    finally:
        ole.close()
    return data


# ------------------------------------------------------------------ scenarios

BOUNDARIES = [0, 1, 63, 64, 65, 4095, 4096, 4097, 64 * 1024, 1024 * 1024]


@pytest.mark.parametrize("size", BOUNDARIES)
def test_a_stream_of_every_boundary_size_reads_back_identical(size):
    roundtrip({("PROJECT",): payload(size), ("VBA", "dir"): payload(size, 1), ("VBA", "x"): b"k"})


def test_the_vba_project_shape_with_mini_and_regular_streams():
    tree = {("PROJECT",): payload(512), ("PROJECTwm",): payload(128, 2),
            ("VBA", "_VBA_PROJECT"): bytes([0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x01, 0x00]),
            ("VBA", "dir"): payload(561, 3), ("VBA", "ThisWorkbook"): payload(175, 4),
            ("VBA", "Sheet1"): payload(168, 5), ("VBA", "xlwings"): payload(19541, 6),
            ("VBA", "XlAddinRibbon"): payload(1985, 7)}
    data = roundtrip(tree)
    assert len(data) == 512 * (1 + 1 + 3 + 1 + 8 + 39)  # FAT, directory, mini FAT, mini stream, xlwings


def test_vba_project_bin_of_the_addin_reads_back(tmp_path):
    from xl_addin.addin import vba_project as vp
    lines = "".join(f'  MsgBox "Prüfen {i * 7919 % 100003:x}{i * 104729 % 65521:o}"\n' for i in range(600))
    modules = [vp.VbaModule("ThisWorkbook", "", "document", vp.WORKBOOK_BASE),
               vp.VbaModule("Ribbon", f"Sub A(control As IRibbonControl)\n{lines}End Sub\n")]
    path = vp.write_vba_project(tmp_path / "vbaProject.bin", "xl_addin", modules)
    streams, storages, _ = check_cfb(path.read_bytes())
    assert streams == vp.project_streams("xl_addin", modules) and storages == {("VBA",)}
    assert len(streams[("VBA", "Ribbon")]) >= 4096, "one module outside the mini stream"
    assert vp.decompress(streams[("VBA", "Ribbon")]) == vp.module_source(modules[1])


def test_the_built_addin_carries_a_well_formed_compound_file(tmp_path):
    import zipfile

    from xl_addin.addin.build import build_addin
    with zipfile.ZipFile(build_addin(tmp_path)) as zf:
        streams, storages, in_mini = check_cfb(zf.read("xl/vbaProject.bin"))
    assert storages == {("VBA",)} and {("PROJECT",), ("PROJECTwm",), ("VBA", "dir")} <= in_mini
    assert {("VBA", "xlwings"), ("VBA", "XlAddinRibbon"), ("VBA", "ThisWorkbook")} <= set(streams)
    assert ("VBA", "xlwings") not in in_mini, "the big module lives in regular sectors"


def test_many_small_streams_spread_directory_and_mini_fat_over_several_sectors():
    tree = {("S", f"s{i:03d}"): payload(100 + i % 5, i) for i in range(300)}
    data = roundtrip(tree)
    first_dir, n_minifat = struct.unpack_from("<I", data, 48)[0], struct.unpack_from("<I", data, 64)[0]
    assert n_minifat == 5                      # 600 mini sectors, 128 per mini FAT sector
    fat = struct.unpack_from("<128I", data, 512)
    dir_sectors = 1
    s = first_dir
    while fat[s] != ENDOFCHAIN:
        s, dir_sectors = fat[s], dir_sectors + 1
    assert dir_sectors == 76                   # 302 entries, 4 per sector


def test_more_than_109_fat_sectors_use_difat_sectors():
    big = payload(16 * 1024 * 1024)            # 32,768 sectors + directory, mini FAT, mini stream
    # + FAT + DIFAT = 33,032 sectors: 259 FAT sectors, 109 in the header, 150 in 2 DIFAT sectors
    data = roundtrip({("big",): big, ("small",): b"s" * 100})
    n_fat, _, _, _, _, _, first_difat, n_difat = struct.unpack_from("<8I", data, 44)
    assert (n_fat, n_difat) == (259, 2) and first_difat == 259


def test_empty_files_empty_storages_and_deep_nesting():
    roundtrip({})
    roundtrip({("empty",): None, ("a",): b""})
    roundtrip({tuple(f"L{i}" for i in range(10)) + ("leaf",): payload(5000), ("L0", "x"): b"x",
               ("L0", "L1", "L2"): None})


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100])
def test_sibling_trees_are_ordered_red_black_trees(n):
    names = [f"m{i}" for i in range(n)] + ["A", "b", "_"]
    roundtrip({("VBA", name): b"x" for name in names})


def test_sibling_order_is_length_first_then_upper_case():
    assert sorted(["PROJECTwm", "VBA", "PROJECT", "_", "a", "B", "Z", "aa", "ä", "Ö"], key=name_order_key) == \
        ["a", "B", "Z", "_", "ä", "Ö", "aa", "VBA", "PROJECT", "PROJECTwm"]
    assert name_order_key("ß") < name_order_key("ẞ"), "ß has no one-character upper case: kept"
    assert name_order_key("\U0001F600") > name_order_key("zz") == name_order_key("ZZ")


def test_output_depends_on_content_only():
    tree = {("VBA", "dir"): b"d", ("PROJECT",): payload(6000), ("VBA", "Mod"): b"m", ("PROJECTwm",): b"w"}
    again = dict(reversed(list(tree.items())))
    assert compound_file(tree) == compound_file(again)
    assert compound_file(tree) != compound_file({**tree, ("VBA", "Mod"): b"n"})


def test_write_compound_file_writes_the_returned_bytes(tmp_path):
    target = tmp_path / "vbaProject.bin"
    target.write_bytes(b"old")
    data = write_compound_file(target, {("a",): b"1"})
    assert target.read_bytes() == data and [p.name for p in tmp_path.iterdir()] == ["vbaProject.bin"]
    assert write_compound_file(None, {("a",): b"1"}) == data
    with pytest.raises(CompoundFileError):
        write_compound_file(target, {("a/b",): b""})
    assert target.read_bytes() == data, "a refused tree leaves the file alone"


@pytest.mark.parametrize("tree, message", [
    ({("x" * 32,): b""}, "31"),
    ({("a/b",): b""}, "contains"),
    ({("a!",): b""}, "contains"),
    ({("",): b""}, "empty"),
    ({(): b""}, "empty path"),
    ({("A",): b"", ("a",): b""}, "clashes"),
    ({("VBA",): b"", ("VBA", "dir"): b""}, "not a storage"),
    ({("VBA", "dir"): b"", ("VBA",): b""}, "listed twice"),
    ({("a",): "text"}, "bytes"),
    ({("\ud800",): b""}, "UTF-16"),
])
def test_trees_that_cannot_be_written_are_refused(tree, message):
    with pytest.raises(CompoundFileError, match=message):
        compound_file(tree)


def test_names_are_measured_in_utf16_code_units():
    roundtrip({("x" * 31,): b"1", ("ä" * 31,): b"2", ("\U0001F600" * 15 + "x",): b"3"})
    with pytest.raises(CompoundFileError):
        compound_file({("\U0001F600" * 16,): b""})
    assert issubclass(CompoundFileError, ValueError)


def test_a_plain_string_key_is_a_root_level_name():
    assert compound_file({"PROJECT": b"p", ("VBA", "dir"): b"d"}) == \
        compound_file({("PROJECT",): b"p", ("VBA", "dir"): b"d"})


def test_streams_larger_than_version_3_allows_are_refused(monkeypatch):
    monkeypatch.setattr(cfb, "MAX_STREAM_SIZE", 100)
    with pytest.raises(CompoundFileError, match="larger"):
        compound_file({("a",): bytes(101)})


# ------------------------------------------------------------------ random trees

NAMES = st.text(alphabet="aAbBzZ_1äÖ", min_size=1, max_size=4)
SIZES = st.one_of(st.sampled_from([0, 1, 63, 64, 65, 511, 512, 513, 4095, 4096, 4097]),
                  st.integers(0, 9000))


NODES = st.recursive(SIZES, lambda kids: st.dictionaries(NAMES, kids, max_size=6), max_leaves=25)


@st.composite
def trees(draw) -> dict[tuple[str, ...], bytes | None]:
    """Nested storages; an empty storage is listed as None, names unique per storage."""
    top = draw(st.dictionaries(NAMES, NODES, max_size=8))
    tree: dict[tuple[str, ...], bytes | None] = {}

    def flatten(node: dict, path: tuple[str, ...]) -> None:
        taken: set[str] = set()
        for name, child in node.items():
            if name.upper() in taken:
                continue
            taken.add(name.upper())
            if isinstance(child, dict):
                if child:
                    flatten(child, path + (name,))
                else:
                    tree[path + (name,)] = None
            else:
                tree[path + (name,)] = payload(child, len(tree))

    flatten(top, ())
    return tree


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees())
def test_random_trees_read_back_identical(tree):
    roundtrip(tree)
