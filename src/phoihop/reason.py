"""OWL 2 DL consistency of ontology + data, checked by HermiT (the copy owlready2 ships).

Why not owlready2's sync_reasoner: it loads everything into its own quadstore first and by default does
not pass `--ignoreUnsupportedDatatypes`; HermiT then aborts on xsd:date, which is not in the OWL 2
datatype map but is in every phoihop date. So we run the jar ourselves, the way
owlready2 does (same classpath: owlready2/hermit and owlready2/hermit/HermiT.jar, same main class,
an N-Triples file as input), with that flag and only the consistency action (-k).

What is left out of the file handed to HermiT, and why:
- owl:imports triples: HermiT would try to fetch them over the network; phoihop declares every
  reused term locally instead.
Everything else goes in as it is. Literals of datatypes HermiT does not know (xsd:date, xsd:duration)
are ignored by the flag; a malformed literal of a datatype it does know (say "abc"^^xsd:decimal)
makes the graph inconsistent, as OWL 2 says, and is reported so.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

from .errors import PhoihopError
from .namespaces import OWL
from .resources import ontology_files
from .store import add_rdflib_graph, load_files, union_triples

log = logging.getLogger("phoihop.reason")

HERMIT_MAIN = "org.semanticweb.HermiT.cli.CommandLine"
_OWL_IMPORTS = ox.NamedNode(str(OWL.imports))
_EXCEPTION = re.compile(r"^Exception in thread \"main\" ([\w.$]+)(?::\s*(.*))?$", re.MULTILINE)


@dataclass(frozen=True)
class ReasonerResult:
    """HermiT's verdict on one graph: consistent or not, why not, how long it took, on how much."""

    consistent: bool
    message: str
    seconds: float
    triples: int


def java_executable() -> str:
    """The java binary: $JAVA_HOME/bin/java if set, else the first `java` on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise PhoihopError("no Java runtime found: HermiT needs `java` on PATH (or JAVA_HOME); "
                           "install one, e.g. `apt-get install default-jre-headless`")
    return found


def hermit_classpath() -> str:
    """owlready2's HermiT folder and jar, as owlready2.reasoning builds its classpath."""
    spec = importlib.util.find_spec("owlready2")
    if spec is None or spec.origin is None:
        raise PhoihopError("owlready2 is not installed; it provides HermiT (pip install owlready2)")
    folder = Path(spec.origin).parent / "hermit"
    jar = folder / "HermiT.jar"
    if not jar.is_file():
        raise PhoihopError("HermiT.jar is missing from the owlready2 package", path=jar)
    return os.pathsep.join([str(folder), str(jar)])


def _collect(source: rdflib.Graph | str | Path | Iterable[str | Path], with_ontology: bool) -> ox.Store:
    """Ontology (and schemes) plus the data, in one store."""
    store = load_files(ontology_files() if with_ontology else [])
    if isinstance(source, rdflib.Graph):
        add_rdflib_graph(store, source, ox.DefaultGraph())
    else:
        load_files([source] if isinstance(source, str | Path) else list(source), store)
    return store


def write_ntriples(store: ox.Store, path: Path) -> int:
    """The union of the store's graphs as N-Triples, without owl:imports; returns the triple count."""
    triples = [ox.Triple(s, p, o) for s, p, o in union_triples(store) if p != _OWL_IMPORTS]
    ox.serialize(triples, str(path), format=ox.RdfFormat.N_TRIPLES)
    return len(triples)


def _verdict(returncode: int, output: str) -> tuple[bool, str]:
    """Consistent or not from HermiT's exit code and output; anything else is an error."""
    if returncode == 0 and "is satisfiable" in output:
        return True, "consistent"
    if "is not satisfiable" in output:
        return False, "owl:Thing is unsatisfiable: the ontology and data are inconsistent"
    match = _EXCEPTION.search(output)
    if match and match.group(1).endswith("InconsistentOntologyException"):
        return False, "the ontology and data are inconsistent (HermiT)"
    if match and match.group(1).endswith("MalformedLiteralException"):
        return False, f"malformed literal: {match.group(2)}"
    detail = f"{match.group(1)}: {match.group(2) or ''}" if match else output.strip()[-500:]
    raise PhoihopError(f"HermiT failed (exit {returncode}): {detail}")


def check_consistency(source: rdflib.Graph | str | Path | Iterable[str | Path], *, with_ontology: bool = True,
                      memory_mb: int = 1024, timeout: float = 600.0) -> ReasonerResult:
    """Run HermiT on ontology + schemes + `source` (a graph, a file, or files and folders).

    Returns whether the whole is consistent; raises PhoihopError when Java or HermiT is missing,
    times out or fails for another reason.
    """
    java = java_executable()
    classpath = hermit_classpath()
    store = _collect(source, with_ontology)
    with tempfile.TemporaryDirectory(prefix="phoihop-hermit-") as tmp:
        nt = Path(tmp) / "input.nt"
        count = write_ntriples(store, nt)
        command = [java, f"-Xmx{memory_mb}M", "-cp", classpath, HERMIT_MAIN, "-k",
                   "--ignoreUnsupportedDatatypes", nt.as_uri()]
        log.debug("running %s", " ".join(command))
        start = time.perf_counter()
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise PhoihopError(f"HermiT did not finish within {timeout:.0f} s ({count} triples)") from None
        seconds = time.perf_counter() - start
    consistent, message = _verdict(done.returncode, done.stdout + done.stderr)
    log.info("HermiT: %s (%d triples, %.2f s)", message, count, seconds)
    return ReasonerResult(consistent=consistent, message=message, seconds=seconds, triples=count)
