"""What the test modules share: the project's root, the bundled sample workbooks, and copies of them.

``tiny_path`` and ``district_path`` are the files under data/, to be read only (a module-scoped
fixture may use them); ``tiny_xlsx`` and ``district_xlsx`` are copies in the test's own tmp_path,
for a test that edits the workbook or writes beside it. This folder is on ``sys.path`` (pytest puts
a rootdir conftest's folder there), so ``plan_checker`` imports from any test; so is the project's
root, as benchmarks/ is not an installed package: it runs from the root, as ``make bench`` does.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def tiny_path() -> Path:
    return DATA / "tiny.xlsx"


@pytest.fixture(scope="session")
def district_path() -> Path:
    return DATA / "district.xlsx"


@pytest.fixture
def tiny_xlsx(tmp_path: Path, tiny_path: Path) -> Path:
    return Path(shutil.copy(tiny_path, tmp_path / "tiny.xlsx"))


@pytest.fixture
def district_xlsx(tmp_path: Path, district_path: Path) -> Path:
    return Path(shutil.copy(district_path, tmp_path / "district.xlsx"))
