"""README.md's tables of finding codes are what the catalogs declare (regenerate them with
`python tests/tools/code_tables.py`)."""
from __future__ import annotations

import pytest

from tests.tools.code_tables import README, catalogs, update


def test_readme_code_tables_are_current():
    text = README.read_text(encoding="utf-8")
    assert update(text) == text, "run: python tests/tools/code_tables.py"


def test_every_code_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    for catalog, _ in catalogs().values():
        for code in catalog.codes():
            assert f"| `{code.code}` |" in text


def test_a_missing_block_is_an_error_not_a_silent_skip():
    with pytest.raises(ValueError, match="codes:core"):
        update("no blocks here")
