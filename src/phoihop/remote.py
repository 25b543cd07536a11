"""Talking to remote SPARQL stores over HTTP: checked URLs, servers' error texts, authentication, and the
SPARQL 1.1 Protocol backend that `phoihop query --endpoint` runs on.

`push` (Graph Store Protocol) and the query backend share these helpers, so neither imports the other.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Sequence
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox

from .errors import InputError, QueryTimeout, StoreError, UsageError
from .results import Answer, Engine, answer_from_ox, results_from_json
from .sparql import query_form
from .store import PREFIX_MAP

DEFAULT_TIMEOUT = 300.0


def endpoint_url(url: str) -> str:
    """The URL of an endpoint or graph store, checked: a typo is for the user to fix (exit 2), not a store
    that failed (exit 3)."""
    try:
        parts = urlsplit(url)
        usable = parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a bad port or IPv6 address
        usable = False
    if not usable:
        raise UsageError(f"not an http(s) URL: {url!r} (like http://127.0.0.1:7878/sparql)")
    return url


def server_message(response: httpx.Response) -> str:
    """The error text a SPARQL server sent back, without its HTML dressing."""
    text = re.sub(r"<[^>]+>", " ", response.text or "")
    text = re.sub(r"\s+", " ", text).strip()
    return f"HTTP {response.status_code}: {text[:500] or response.reason_phrase}"


class ChallengeAuth(httpx.Auth):
    """Answer the server's challenge with Basic or Digest, whichever it asks for (Virtuoso wants Digest).

    A Digest challenge httpx cannot answer (no nonce, no realm) is the server's fault: a StoreError
    naming the challenge, not a crash inside the authentication flow."""

    requires_request_body = True

    def __init__(self, user: str, password: str):
        self.basic = httpx.BasicAuth(user, password)
        self.digest = httpx.DigestAuth(user, password)
        self.scheme: str | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.scheme == "digest":  # the digest flow reuses the last challenge, so no second upload
            yield from self.digest.auth_flow(request)
            return
        if self.scheme == "basic":
            yield from self.basic.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        challenge = response.headers.get("www-authenticate", "")
        self.scheme = "digest" if challenge.split(" ", 1)[0].lower() == "digest" else "basic"
        if self.scheme == "basic":
            yield from self.basic.auth_flow(request)
            return
        flow = self.digest.auth_flow(request)
        next(flow)  # the digest flow's first, unauthenticated attempt: already made above
        try:
            yield flow.send(response)
        except (StopIteration, httpx.ProtocolError):  # httpx found no usable Digest challenge in it
            raise StoreError(f"{request.url}: the server asks for Digest authentication with a challenge "
                             f"that cannot be answered ({challenge[:200]!r})") from None


def positive_timeout(seconds: float | None) -> float:
    """A usable timeout for httpx: None means the default; NaN, zero or less is a usage error."""
    if seconds is None:
        return DEFAULT_TIMEOUT
    if not seconds > 0 or seconds == float("inf"):
        raise UsageError(f"a timeout must be a positive number of seconds, not {seconds}")
    return seconds


class EndpointBackend(Engine):
    """A remote SPARQL 1.1 Protocol endpoint (Oxigraph server, Virtuoso, Fuseki, GraphDB, `phoihop serve`)."""

    name = "endpoint"

    def __init__(self, url: str, timeout: float | None = None, default_graphs: Sequence[str] = ()):
        self.url = endpoint_url(url)
        self.timeout = positive_timeout(timeout)
        self.default_graphs = list(default_graphs)

    def stream(self, text: str, source: str) -> Answer:
        """The endpoint's answer (read whole: HTTP gives it in one body), as an Answer."""
        form = query_form(text)
        graph = form in ("construct", "describe")
        accept = "application/n-triples, text/turtle;q=0.9" if graph else \
            "application/sparql-results+json, application/sparql-results+xml;q=0.5"
        data = {"query": with_prologue(text), "default-graph-uri": self.default_graphs}
        try:
            response = httpx.post(self.url, data=data, headers={"Accept": accept}, timeout=self.timeout)
        except httpx.TimeoutException:
            raise QueryTimeout(f"no answer from {self.url} within {self.timeout:g} s", path=source) from None
        except httpx.HTTPError as err:
            raise StoreError(f"cannot reach {self.url}: {err}", path=source) from None
        if 400 <= response.status_code < 500:  # a bad, forbidden or too large query: the request's fault
            raise InputError(f"the endpoint refused the query: {server_message(response)}", path=source)
        if response.status_code >= 300:
            raise StoreError(f"{self.url}: {server_message(response)}", path=source)
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            if graph:
                rdf_format = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES
                triples = list(ox.parse(response.content, format=rdf_format))
                return Answer(form, ["subject", "predicate", "object"],
                              iter([(t.subject, t.predicate, t.object) for t in triples]))
            if media.endswith("json") or not media:
                return results_from_json(response.content, form).answer()
            results_format = ox.QueryResultsFormat.from_media_type(media) or ox.QueryResultsFormat.XML
            parsed = answer_from_ox(ox.parse_query_results(response.content, format=results_format), form)
            return parsed.results().answer()
        except (SyntaxError, ValueError, KeyError, TypeError) as err:
            raise StoreError(f"{self.url} sent an unreadable answer ({media}): {err}", path=source) from None


def with_prologue(text: str) -> str:
    """The query with PREFIX lines for the phoihop prefixes it uses but does not declare.

    The embedded engines take the prefixes as an argument (so error positions stay right); a remote
    endpoint only sees text.
    """
    declared = {m.group(1) for m in re.finditer(r"(?i)\bPREFIX\s+([\w-]*):", text)}
    missing = [p for p in PREFIX_MAP if p not in declared and re.search(rf"(?<![\w<]){re.escape(p)}:", text)]
    return "".join(f"PREFIX {p}: <{PREFIX_MAP[p]}>\n" for p in missing) + text
