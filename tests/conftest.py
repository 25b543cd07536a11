"""Shared fixtures: where the repository, its fixtures and the optional ../shared material are."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def shared() -> Path:
    """../shared (seeds, gold, acceptance); tests that need it skip on a stranger's machine."""
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"{SHARED}/seeds not present: the acceptance material is only on the team's machines")
    return SHARED
