"""Shared fixtures: where the repository, its fixtures and the optional ../shared material are."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
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


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no `playwright install`), one for the whole run; pages
    tested in a real browser skip with a message where either is missing."""
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: apt-get install chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-extensions",
                  "--disable-component-update", "--disable-default-apps", "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _answers_kept_aside(tmp_path_factory, monkeypatch) -> None:
    """Answers `phoihop query` keeps per release (phoihop.answers) go to the run's scratch folder, not ~/.cache."""
    monkeypatch.setenv("PHOIHOP_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "answers"))
