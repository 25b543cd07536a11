"""`phoihop review`: the page data of a hand-written fixture in both evidence forms, the marking of nested
and crossing spans, finding and checking the source text, the command, and the page in headless Chromium.

Fixtures (tests/fixtures/review/): an invented coordination programme (`quang-tri-chuong-trinh.txt`) and
its facts twice, with evidence in the form ingest wrote first (`legacy.ttl`: ph:evidence ->
oa:SpecificResource) and in the provenance contract's (`annotation.ttl`: ph:evidence -> oa:Annotation ->
oa:hasTarget, with quote selectors). Both hold nested spans (actors inside commitments), two facts on one
span ('hai bên' names both parties), a span crossing another (the signing event and the chair's post),
two facts below 0.6 and one fact derived from the source without a span.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from phoihop import review as rv
from phoihop.cli import cli
from phoihop.errors import UsageError
from phoihop.ingest import ingest_files

FIXTURES = Path(__file__).parent / "fixtures" / "review"
TEXT = FIXTURES / "quang-tri-chuong-trinh.txt"
FORMS = ["legacy.ttl", "annotation.ttl"]
ID = "https://w3id.org/phoihop/id/"
PROGRAMME = "instrument/quang-tri-so-ldtbxh-ldld/2021/12-ctr"
SO = "actor/quang-tri/so-lao-dong-thuong-binh-va-xa-hoi"
LDLD = "actor/quang-tri/lien-doan-lao-dong"
UBND = "actor/quang-tri/uy-ban-nhan-dan"
TASK = PROGRAMME + "/commitment/"
POST = "person/tran-van-binh/post/chu-tich-lien-doan-lao-dong"
SIGNING = "event/2021-03-15/hoi-nghi-ky-ket"


def make_review(form: str, text: Path = TEXT, threshold: float = 0.6) -> rv.Review:
    store = rv.load_store([FIXTURES / form])
    [source] = rv.sources(store)
    content, sha = rv.read_text(text)
    return rv.collect(store, source, content, text.name, sha, threshold)


@pytest.fixture(scope="module", params=FORMS)
def review(request) -> rv.Review:
    return make_review(request.param)


def fact(review: rv.Review, tail: str) -> rv.Fact:
    return next(f for f in review.facts if f.iri == ID + tail)


# --- evidence: one reader, both forms ---------------------------------------------------------------------

def test_both_evidence_forms_give_the_same_spans() -> None:
    def spans(form: str) -> list[tuple]:
        store = rv.load_store([FIXTURES / form])
        return [(s.node, s.start, s.end, s.confidence) for s in rv.evidence(store, rv.sources(store)[0].iri)]

    legacy, annotation = spans("legacy.ttl"), spans("annotation.ttl")
    assert legacy == annotation and len(legacy) == 19


def test_quote_selectors_are_read_and_match_the_text() -> None:
    store = rv.load_store([FIXTURES / "annotation.ttl"])
    text, _ = rv.read_text(TEXT)
    spans = rv.evidence(store, rv.sources(store)[0].iri)
    assert all(s.exact == text[s.start:s.end] for s in spans)
    assert all(s.prefix == text[max(0, s.start - 32):s.start] for s in spans)


def test_legacy_evidence_has_no_quotes() -> None:
    store = rv.load_store([FIXTURES / "legacy.ttl"])
    assert all(s.exact is None for s in rv.evidence(store, rv.sources(store)[0].iri))


# --- facts: kinds, spans, confidence ----------------------------------------------------------------------

FACTS = [  # (node, kind, text of each span in order)
    (PROGRAMME, "instrument", ["CHƯƠNG TRÌNH PHỐI HỢP\ngiữa Sở Lao động - Thương binh và Xã hội và Liên đoàn "
                               "Lao động tỉnh Quảng Trị", "12/CTr-SLĐTBXH-LĐLĐ"]),
    ("instrument/tw/2019/37-ct", "instrument", ["Chỉ thị số 37-CT/TW"]),
    ("actor/viet-nam/ban-bi-thu", "actor", ["Ban Bí thư"]),
    (SO, "actor", ["Sở Lao động - Thương binh và Xã hội"] * 3 + ["hai bên"]),
    (LDLD, "actor", ["Liên đoàn Lao động tỉnh Quảng Trị", "Liên đoàn Lao động tỉnh", "hai bên",
                     "Liên đoàn Lao động tỉnh"]),
    (UBND, "actor", ["Ủy ban nhân dân tỉnh"]),
    (TASK + "1", "commitment", [None]),
    (TASK + "3", "commitment", [None]),
    ("person/tran-van-binh", "person", ["Trần Văn Bình"]),
    (POST, "post", ["Trần Văn Bình, Chủ tịch Liên đoàn Lao động tỉnh"]),
    (SIGNING, "event", ["Ngày 15/3/2021, hội nghị ký kết do ông Trần Văn Bình"]),
    ("area/quang-tri", "area", []),
]


@pytest.mark.parametrize(("node", "kind", "texts"), FACTS, ids=[f[0].rsplit("/", 2)[-2] + f[1] for f in FACTS])
def test_fact_kind_and_span_texts(review, node, kind, texts) -> None:
    found = fact(review, node)
    assert found.kind == kind
    got = [review.text[review.spans[n].start:review.spans[n].end] for n in found.spans]
    assert len(got) == len(texts)
    for text, expected in zip(got, texts, strict=True):
        if expected is None:  # a commitment's span is its whole numbered item
            assert re.match(r"\d\. ", text) and text.endswith(".")
        else:
            assert text == expected


KINDS = [  # (class of a node, kind on the page): the first kind of review.json whose class it has wins
    ("ph:ActorGroup", "group"), ("ph:LabourUnion", "actor"), ("ph:Decree", "instrument"),
    ("ph:CoordinationRegulation", "instrument"), ("ph:Conference", "event"), ("ph:Indicator", "indicator"),
    ("ph:Target", "target"), ("org:Membership", "post"), ("foaf:Person", "person"),
    ("ph:AdministrativeArea", "area"), ("ph:Commitment", "commitment"), ("ph:Unheard", "other"),
]


def test_kinds_follow_the_ontology(tmp_path) -> None:
    lines = ["@prefix ph: <https://w3id.org/phoihop/ontology#> .", "@prefix org: <http://www.w3.org/ns/org#> .",
             "@prefix foaf: <http://xmlns.com/foaf/0.1/> .", "@prefix prov: <http://www.w3.org/ns/prov#> .",
             "<urn:s> a ph:SourceDocument ."]
    lines += [f"<urn:n{n}> a {cls} ; prov:wasDerivedFrom <urn:s> ." for n, (cls, _) in enumerate(KINDS)]
    (tmp_path / "kinds.ttl").write_text("\n".join(lines), encoding="utf-8")
    store = rv.load_store([tmp_path / "kinds.ttl"])
    found = rv.kinds_of(store, rv.sources(store)[0].iri)
    assert {key: kind for key, (_, kind) in found.items()} == {f"urn:n{n}": kind for n, (_, kind) in enumerate(KINDS)}


def test_every_span_belongs_to_its_fact(review) -> None:
    assert sorted(n for f in review.facts for n in f.spans) == list(range(len(review.spans)))
    assert all(review.facts[f].iri == s.node for s, f in zip(review.spans, review.span_facts, strict=True))


THRESHOLDS = [(0.6, {TASK + "3", SIGNING}), (0.5, {TASK + "3"}), (0.0, set()),
              (0.85, {TASK + "1", TASK + "2", TASK + "3", SIGNING, UBND, SO, POST, "actor/viet-nam/ban-bi-thu"})]


@pytest.mark.parametrize(("threshold", "low"), THRESHOLDS)
def test_facts_below_the_threshold_are_flagged(threshold, low) -> None:
    review = make_review("annotation.ttl", threshold=threshold)
    assert {f.iri.removeprefix(ID) for f in review.low_facts()} == low


def test_a_fact_is_as_confident_as_its_best_span(review) -> None:
    assert fact(review, LDLD).confidence == 0.9  # 0.9, 0.8, 0.5, 0.8
    assert fact(review, "area/quang-tri").confidence is None and not fact(review, "area/quang-tri").low(1.0)


def test_a_curated_fact_without_confidence_is_never_low(tmp_path) -> None:
    curated = tmp_path / "curated.ttl"
    curated.write_text(re.sub(r" ph:confidence [0-9.]+ ;", "", (FIXTURES / "legacy.ttl").read_text("utf-8")),
                       encoding="utf-8")
    review = make_review(str(curated))
    assert all(f.confidence is None for f in review.facts) and review.low_facts() == []


# --- the panel --------------------------------------------------------------------------------------------

def words(refs: list[dict], lang: str = "vi") -> list[str]:
    return sorted(r["label"][lang] for r in refs)


ROLES = [  # (commitment, role, Vietnamese names)
    ("1", "lead", ["Liên đoàn Lao động tỉnh Quảng Trị"]),
    ("1", "partner", ["Sở Lao động - Thương binh và Xã hội tỉnh Quảng Trị"]),
    ("2", "addressee", ["Ủy ban nhân dân tỉnh Quảng Trị"]),
    ("3", "lead", ["Liên đoàn Lao động tỉnh Quảng Trị", "Sở Lao động - Thương binh và Xã hội tỉnh Quảng Trị"]),
    ("3", "instrument", ["Chương trình phối hợp giữa Sở Lao động - Thương binh và Xã hội và Liên đoàn Lao động "
                         "tỉnh Quảng Trị"]),
]


@pytest.mark.parametrize(("clause", "role", "names"), ROLES)
def test_commitment_roles(review, clause, role, names) -> None:
    assert words(fact(review, TASK + clause).roles[role]) == names


SUMMARY = [  # (commitment, field, words in English)
    ("1", "status", ["Obligation"]),
    ("1", "frequency", ["Quarterly"]),
    ("3", "frequency", ["Annually"]),
    ("2", "action", ["Inspect compliance with labour law and report to the province",
                     "Kiểm tra việc thi hành pháp luật lao động và báo cáo tỉnh"]),
]


@pytest.mark.parametrize(("clause", "name", "english"), SUMMARY)
def test_commitment_summary(review, clause, name, english) -> None:
    assert words(fact(review, TASK + clause).summary[name], "en") == english


def test_target_is_described_in_words(review) -> None:
    [target] = fact(review, TASK + "3").summary["target"]
    assert "90" in target["label"]["vi"] and "giá trị tối thiểu" in target["label"]["vi"]
    assert "minimum value" in target["label"]["en"] and "%" in target["label"]["en"]


def test_clicking_a_commitment_relates_its_actors_and_instruments(review) -> None:
    task = fact(review, TASK + "2")
    related = {review.facts[f].iri.removeprefix(ID): role for f, role in task.related.items()}
    assert related == {SO: "lead", UBND: "addressee", PROGRAMME: "instrument"}
    assert task.id in fact(review, UBND).referenced_by


def test_triples_are_in_plain_words(review) -> None:
    rows = {row["p"]["en"]: words(row["values"], "en") for row in fact(review, POST).rows}
    assert rows["held by"] == ["Trần Văn Bình"] and rows["type"] == ["post"]
    assert rows["in organisation"] == ["Quang Tri Province Federation of Labour"]
    assert all(row["iri"] != "https://w3id.org/phoihop/ontology#evidence" for f in review.facts for row in f.rows)


def test_page_data_is_complete(review) -> None:
    data = rv.page_data(review)
    assert len(data["spans"]) == 19 and len(data["facts"]) == 13
    assert {k["code"] for k in data["kinds"]} >= {"actor", "instrument", "person", "commitment", "event", "indicator"}
    assert data["source"]["sha_matches"] is True and data["problems"] == []


# --- marking the text -------------------------------------------------------------------------------------

class Pieces(HTMLParser):
    """Reads marked text back: the plain text, each span's text (its pieces joined) and its pieces."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.open, self.spans, self.pieces, self.ends = "", [], {}, {}, {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.open.append(int(a["data-s"]))
        self.pieces[self.open[-1]] = self.pieces.get(self.open[-1], 0) + 1
        self.ends[self.open[-1]] = "end" in a["class"].split()

    def handle_endtag(self, tag):
        self.open.pop()

    def handle_data(self, data):
        self.text += data
        for n in self.open:
            self.spans[n] = self.spans.get(n, "") + data


def marked(text: str, ranges: list[tuple[int, int]]) -> Pieces:
    spans = [rv.Span(f"n{i}", s, e) for i, (s, e) in enumerate(ranges)]
    parser = Pieces()
    parser.feed(rv.mark_text(text, spans, ["actor"] * len(spans), list(range(len(spans))), set()))
    return parser


MARKING = [  # (ranges, pieces per span)
    ([(0, 10), (2, 5)], [1, 1]),                  # nested
    ([(0, 10), (0, 10)], [1, 1]),                 # identical
    ([(0, 6), (4, 10)], [1, 2]),                  # crossing: the later span is split
    ([(0, 4), (4, 8)], [1, 1]),                   # adjacent
    ([(0, 10), (2, 8), (4, 12)], [1, 1, 3]),      # crossing two levels
]


@pytest.mark.parametrize(("ranges", "pieces"), MARKING)
def test_marks_nest_and_split(ranges, pieces) -> None:
    text = "abcdefghijkl<&>"
    parsed = marked(text, ranges)
    assert parsed.text == text
    assert [parsed.spans[n] for n in range(len(ranges))] == [text[s:e] for s, e in ranges]
    assert [parsed.pieces[n] for n in range(len(ranges))] == pieces
    assert all(parsed.ends.values())  # the last piece of every span carries `end`


def test_an_outer_mark_underlines_below_its_inner_marks() -> None:
    html = rv.mark_text("abcdefghij", [rv.Span("a", 0, 10), rv.Span("b", 2, 8), rv.Span("c", 3, 5)],
                        ["commitment", "actor", "person"], [0, 1, 2], {1})
    heights = dict(re.findall(r'data-s="(\d)" data-f="\d" style="--h:(\d)"', html))
    assert heights == {"0": "2", "1": "1", "2": "0"}
    assert 'class="k-actor low end"' in html


def test_spans_outside_the_text_are_left_out_of_the_marks() -> None:
    parsed = marked("abc", [(1, 2), (2, 9), (2, 2)])
    assert parsed.text == "abc" and set(parsed.spans) == {0}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 12)), max_size=25))
def test_any_spans_keep_the_text_and_their_own_characters(ranges) -> None:
    text = "Liên đoàn Lao động <tỉnh> & Sở"
    ranges = [(s, min(s + n, len(text))) for s, n in ranges if s < len(text)]
    parsed = marked(text, ranges)
    assert parsed.text == text
    assert [parsed.spans[n] for n in range(len(ranges))] == [text[s:e] for s, e in ranges]


# --- which text, and is it the same -----------------------------------------------------------------------

def test_a_text_with_another_sha256_is_reviewed_with_a_problem(tmp_path) -> None:
    changed = tmp_path / TEXT.name
    changed.write_text(TEXT.read_text("utf-8").replace("mỗi quý", "mỗi tháng"), encoding="utf-8")
    review = make_review("annotation.ttl", changed)
    assert review.sha_matches is False
    assert "sha256" in review.problems[0] and TEXT.name in review.problems[0]
    assert any("is not the quoted" in p for p in review.problems)  # spans after the edit moved


def test_many_problems_are_summed_up_on_stderr(tmp_path) -> None:
    changed = tmp_path / TEXT.name
    changed.write_text(TEXT.read_text("utf-8").replace("mỗi quý", "mỗi tháng"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", str(FIXTURES / "annotation.ttl"), "--text", str(changed),
                                      "-o", str(tmp_path / "page.html")])
    assert result.exit_code == 0, result.output
    assert "… and 7 more problems, all listed at the top of the page" in result.output
    assert len([line for line in result.output.splitlines() if "is not the quoted" in line]) == 4


def test_spans_past_the_end_of_the_text_are_problems(tmp_path) -> None:
    short = tmp_path / TEXT.name
    short.write_text(TEXT.read_text("utf-8")[:400], encoding="utf-8")
    review = make_review("legacy.ttl", short)
    outside = [p for p in review.problems if "outside the text" in p]
    assert len(outside) == sum(1 for s in review.spans if s.end > 400)
    assert all(review.spans[n].end <= 400 for f in review.facts for n in f.spans)


def two_sources(tmp_path: Path) -> Path:
    other = (FIXTURES / "legacy.ttl").read_text("utf-8").replace("quang-tri-chuong-trinh", "khac")
    (tmp_path / "other.ttl").write_text(other, encoding="utf-8")
    return tmp_path / "other.ttl"


def test_several_sources_are_told_apart_by_the_text(tmp_path) -> None:
    inputs = [FIXTURES / "legacy.ttl", two_sources(tmp_path)]
    store = rv.load_store(inputs)
    found = rv.sources(store)
    assert rv.choose_source(found, inputs, TEXT, None).file == TEXT.name
    renamed = tmp_path / "renamed.txt"
    shutil.copy(TEXT, renamed)
    _, sha = rv.read_text(renamed)
    with pytest.raises(UsageError, match="2 source documents"):  # both claim the same sha256
        rv.choose_source(found, inputs, renamed, sha)
    with pytest.raises(UsageError, match="--text"):
        rv.choose_source(found, inputs)


def test_the_text_is_found_beside_the_graph(tmp_path) -> None:
    store = rv.load_store([FIXTURES / "legacy.ttl"])
    [source] = rv.sources(store)
    assert rv.locate_text(source, [FIXTURES / "legacy.ttl"], cwd=tmp_path) == TEXT
    with pytest.raises(UsageError, match="cannot find the source text 'quang-tri-chuong-trinh.txt'"):
        rv.locate_text(source, [tmp_path / "x.ttl"], cwd=tmp_path)


# --- the command ------------------------------------------------------------------------------------------

def test_command_writes_the_page_next_to_nothing_else(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["review", str(FIXTURES / "annotation.ttl")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "quang-tri-chuong-trinh.review.html").read_text("utf-8")
    assert page.count("<mark ") >= 19 and "phoihop-data" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing fetched
    assert "13 facts, 19 spans, 2 below confidence 0.60, 1 without a span, 0 problems" in result.output


def test_output_folder_gets_the_default_name(tmp_path) -> None:
    result = rv.review([FIXTURES / "legacy.ttl"], out=tmp_path)
    assert result.path == str(tmp_path / "quang-tri-chuong-trinh.review.html") and Path(result.path).is_file()


def test_output_to_stdout(capsys) -> None:
    rv.review([FIXTURES / "legacy.ttl"], out="-")
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")


COMMAND_ERRORS = [  # (arguments, words of the one-line message)
    (["review", "missing.ttl"], "missing.ttl: no such file"),
    (["review", "{tmp}/g.ttl"], "cannot find the source text"),
    (["review", "{fixtures}/legacy.ttl", "--text", "{tmp}/none.txt"], "none.txt: no such file"),
    (["review", "{fixtures}/legacy.ttl", "--threshold", "2"], "not in the range"),
    (["review", "{fixtures}/quang-tri-chuong-trinh.txt"], "unknown RDF file extension"),
]


@pytest.mark.parametrize(("args", "message"), COMMAND_ERRORS, ids=[m for _, m in COMMAND_ERRORS])
def test_command_errors_are_one_line_exit_2(tmp_path, monkeypatch, args, message) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURES / "legacy.ttl", tmp_path / "g.ttl")
    args = [a.format(tmp=tmp_path, fixtures=FIXTURES) for a in args]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not list(tmp_path.glob("*.html"))


def test_review_of_ingest_output_marks_every_span_it_states(tmp_path) -> None:
    """End to end on our own invented text: ingest it, review it; every evidence span is on the page at
    characters that hold text, and nothing is reported wrong."""
    text = Path(__file__).parent / "fixtures" / "ingest" / "ben-tre-quy-che.txt"
    graph = tmp_path / "ben-tre.ttl"
    ingest_files([text], graph)
    result = rv.review([graph], text, tmp_path / "page.html")
    store = rv.load_store([graph])
    stated = rv.evidence(store, rv.sources(store)[0].iri)
    assert result.spans == len(stated) > 10 and result.problems == []
    page = Pieces()
    body = (tmp_path / "page.html").read_text("utf-8")
    page.feed(body[body.index('<article id="text" lang="vi">') + 29:body.index("</article>")])
    content, _ = rv.read_text(text)
    assert page.text == content
    assert all(page.spans[n] == content[s.start:s.end] for n, s in enumerate(stated))


@pytest.mark.seeds
def test_curated_seed_files_review_cleanly(shared, tmp_path) -> None:
    """The curated graph's own files (a source's file plus the shared actors and instruments) against the
    seed text: the sha256 matches and every span lies inside the text."""
    root = Path(__file__).resolve().parents[1]
    for seed in sorted((shared / "seeds").glob("*.txt")):
        inputs = [root / "data" / f"{seed.stem}.ttl", root / "data" / "actors.ttl", root / "data" / "instruments.ttl"]
        result = rv.review(inputs, seed, tmp_path / f"{seed.stem}.html")
        assert result.problems == [] and result.spans > 20, seed.name


@pytest.mark.seeds
def test_curated_dev_files_review_cleanly(shared, tmp_path) -> None:
    """The same for the twelve dev texts: a dev text's file with the shared data files, no problem, and
    every span of the source's own file on the page."""
    root = Path(__file__).resolve().parents[1]
    common = [root / "data" / name for name in ("actors.ttl", "instruments.ttl", "dev-shared.ttl")]
    texts = sorted((shared / "dev" / "texts").glob("*.txt"))
    assert len(texts) == 12
    for text in texts:
        own = root / "data" / f"{text.stem}.ttl"
        result = rv.review([own, *common], text, tmp_path / f"{text.stem}.html")
        annotations = own.read_text(encoding="utf-8").count("a oa:Annotation")
        assert result.problems == [] and result.spans >= annotations > 5, text.name


# --- the page in headless Chromium ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("review") / "review.html"
    rv.review([FIXTURES / "annotation.ttl"], TEXT, out)
    return out


@pytest.fixture
def page(browser, page_file):
    """The fixture's page, opened; afterwards: no console error, no request but the file itself."""
    errors: list[str] = []
    requests: list[str] = []
    context = browser.new_context(viewport={"width": 1300, "height": 850})
    tab = context.new_page()
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("request", lambda r: requests.append(r.url))
    tab.goto(page_file.resolve().as_uri())
    tab.wait_for_selector("body[data-ready='1']", timeout=30_000)
    yield tab
    assert errors == []
    assert set(requests) <= {page_file.resolve().as_uri()}
    context.close()


def fact_id(tab, tail: str) -> int:
    return tab.evaluate("iri => window.phoihop.data.facts.find(f => f.iri === iri).id", ID + tail)


def click_text(tab, tail: str, words: str, nth: int = 0) -> None:
    """Click with the mouse on the middle of `words` inside a mark of the fact (nth occurrence)."""
    x, y = tab.evaluate("""([id, words, nth]) => {
        const marks = window.phoihop.marks[id];
        const found = [];
        for (const m of marks) {
            const walker = document.createTreeWalker(m, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                const at = n.data.indexOf(words);
                if (at >= 0) { found.push([n, at]); }
            }
        }
        const [node, at] = found[nth];
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + words.length);
        const box = range.getClientRects()[0];
        return [box.left + box.width / 2, box.top + box.height / 2];
    }""", [fact_id(tab, tail), words, nth])
    tab.mouse.click(x, y)


def status(tab) -> dict[str, str]:
    return tab.evaluate("() => Object.assign({}, document.getElementById('status').dataset)")


def marked_facts(tab, cls: str) -> set[str]:
    return set(tab.evaluate("""cls => [...document.querySelectorAll('mark.' + cls)]
        .map(m => window.phoihop.data.facts[Number(m.dataset.f)].iri)""", cls))


def test_page_marks_every_span(page) -> None:
    spans = page.evaluate("() => new Set([...document.querySelectorAll('#text mark')].map(m => m.dataset.s)).size")
    assert spans == 19
    shown = status(page)
    assert (shown["facts"], shown["spans"], shown["low"]) == ("12", "19", "2")
    assert page.evaluate("() => document.getElementById('text').textContent") == TEXT.read_text("utf-8")
    assert {i.removeprefix(ID) for i in marked_facts(page, "low")} == {TASK + "3", SIGNING}


def test_clicking_a_commitment_opens_its_panel_and_lights_up_its_actors(page) -> None:
    click_text(page, TASK + "1", "tổ chức đối thoại")
    assert status(page)["selected"] == str(fact_id(page, TASK + "1"))
    panel = page.inner_text("#panel")
    for words in ("Chủ trì", "Liên đoàn Lao động tỉnh Quảng Trị", "Phối hợp",
                  "Sở Lao động - Thương binh và Xã hội tỉnh Quảng Trị", "Nghĩa vụ", "Hằng quý", "215–351"):
        assert words in panel, words
    assert {i.removeprefix(ID) for i in marked_facts(page, "rel-lead")} == {LDLD}
    assert {i.removeprefix(ID) for i in marked_facts(page, "rel-partner")} == {SO}
    assert {i.removeprefix(ID) for i in marked_facts(page, "rel-instrument")} == {PROGRAMME}
    assert {i.removeprefix(ID) for i in marked_facts(page, "sel")} == {TASK + "1"}


def test_a_second_click_steps_out_to_the_fact_around(page) -> None:
    click_text(page, UBND, "nhân dân")
    assert status(page)["selected"] == str(fact_id(page, UBND))
    assert "Cũng tại vị trí này" in page.inner_text("#panel")
    click_text(page, UBND, "nhân dân")
    assert status(page)["selected"] == str(fact_id(page, TASK + "2"))
    assert "Chủ thể tiếp nhận" in page.inner_text("#panel")
    assert {i.removeprefix(ID) for i in marked_facts(page, "rel-addressee")} == {UBND}


def test_two_facts_on_one_span_are_both_reachable(page) -> None:
    both = {str(fact_id(page, SO)), str(fact_id(page, LDLD))}
    click_text(page, SO, "hai bên")
    first = status(page)["selected"]
    [other] = both - {first}
    also = page.inner_text("#panel").split("Cũng tại vị trí này", 1)[1]
    name = page.evaluate("id => window.phoihop.data.facts[id].label.vi", int(other))
    assert name in also and "3 · Sơ kết hằng năm" in also  # the other actor and the commitment around
    click_text(page, SO, "hai bên")
    assert status(page)["selected"] == other


def test_threshold_slider_reflags_facts(page) -> None:
    page.eval_on_selector("#threshold", "s => { s.value = '0.85'; s.dispatchEvent(new Event('input')); }")
    assert status(page)["low"] == "8"
    assert len(marked_facts(page, "low")) == 8


def test_hiding_a_kind_lets_the_click_through(page) -> None:
    page.uncheck("#kinds input[data-kind='actor']")
    click_text(page, UBND, "nhân dân")
    assert status(page)["selected"] == str(fact_id(page, TASK + "2"))


def test_language_toggle_and_escape(page) -> None:
    page.click("#lang")
    assert page.inner_text("#title").startswith("Review of extracted facts")
    click_text(page, TASK + "1", "tổ chức đối thoại")
    panel = page.inner_text("#panel")
    assert "Lead" in panel and "Quang Tri Province Federation of Labour" in panel and "Quarterly" in panel
    page.keyboard.press("Escape")
    assert status(page)["selected"] == "" and "Click a highlighted span" in page.inner_text("#panel")


def test_index_link_selects_and_shows_a_fact(page) -> None:
    page.click(f"#index a[data-goto='{fact_id(page, 'instrument/tw/2019/37-ct')}']")
    assert status(page)["selected"] == str(fact_id(page, "instrument/tw/2019/37-ct"))
    assert "Ban Bí thư" in page.inner_text("#panel")
    assert "Facts without a span" not in page.inner_text("#index")
    assert "Dữ kiện không có đoạn bằng chứng trong văn bản này (1)" in page.inner_text("#index")
