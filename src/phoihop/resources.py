"""Where the project's data files live: the source tree when run from a checkout, else the wheel."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def project_root() -> Path:
    """The folder holding ontology/, shapes/, queries/ and data/.

    PHOIHOP_HOME wins; then the checkout this module sits in; then the copy packed into the wheel.
    """
    env = os.environ.get("PHOIHOP_HOME")
    if env:
        return Path(env).resolve()
    checkout = _PACKAGE.parents[1]
    if (checkout / "ontology").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout
    return _PACKAGE / "_resources"


def ontology_dir() -> Path:
    return project_root() / "ontology"


def shapes_dir() -> Path:
    return project_root() / "shapes"


def queries_dir() -> Path:
    return project_root() / "queries"


def data_dir() -> Path:
    return project_root() / "data"


def ontology_files() -> list[Path]:
    """The ontology and its SKOS schemes (the inference rules are SPARQL, not RDF, and stay out)."""
    folder = ontology_dir()
    return sorted(folder.glob("*.ttl")) + sorted((folder / "schemes").glob("*.ttl"))
