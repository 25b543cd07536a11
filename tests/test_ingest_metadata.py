"""Document metadata: a FILE.meta.json sidecar and the --place/--date/--title/--source-url/--publisher options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from phoihop.cli import cli
from phoihop.errors import InputError
from phoihop.ingest import ingest_file, read_sidecar
from phoihop.namespaces import DCT, ID

TEXT = "Liên đoàn Lao động tỉnh và Công an tỉnh ký kết quy chế phối hợp giai đoạn 2018-2023.\n"


def _doc(tmp_path: Path, meta: dict | str | None = None) -> Path:
    path = tmp_path / "tin.txt"
    path.write_text(TEXT, encoding="utf-8")
    if meta is not None:
        Path(f"{path}.meta.json").write_text(meta if isinstance(meta, str) else json.dumps(meta), encoding="utf-8")
    return path


def test_the_sidecar_gives_title_source_and_publisher(tmp_path: Path) -> None:
    path = _doc(tmp_path, {"title": "Ký kết quy chế phối hợp", "source-url": "https://baodongnai.com.vn/x",
                           "publisher": "Báo Đồng Nai"})
    g = ingest_file(path)
    src = ID["source/tin"]
    assert g.value(src, DCT.title) == Literal("Ký kết quy chế phối hợp", lang="vi")
    assert g.value(src, DCT.source) == URIRef("https://baodongnai.com.vn/x")
    assert g.value(src, DCT.publisher) == Literal("Báo Đồng Nai", lang="vi")


def test_options_win_over_the_sidecar(tmp_path: Path) -> None:
    path = _doc(tmp_path, {"title": "Tiêu đề trong tệp kèm"})
    out = tmp_path / "out.ttl"
    result = CliRunner().invoke(cli, ["ingest", str(path), "--title", "Tiêu đề dòng lệnh", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert Graph().parse(out).value(ID["source/tin"], DCT.title) == Literal("Tiêu đề dòng lệnh", lang="vi")


@pytest.mark.parametrize(("meta", "message"), [
    ("{not json", "not JSON"), ("[1, 2]", "one JSON object"),
    ({"place": "Đồng Nai", "city": "x"}, "unknown metadata city"),
    ({"date": "15/11/2017"}, "not YYYY-MM-DD"), ({"source-url": "baodongnai"}, "not an http"), ({"title": 3}, "text")])
def test_a_bad_sidecar_is_one_line_naming_it(tmp_path: Path, meta, message: str) -> None:
    path = _doc(tmp_path, meta)
    with pytest.raises(InputError, match=message):
        read_sidecar(f"{path}.meta.json")
    result = CliRunner().invoke(cli, ["-q", "ingest", str(path), "-o", str(tmp_path / "o.ttl")])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "tin.txt.meta.json" in lines[0], result.stderr
    assert not (tmp_path / "o.ttl").exists()


def test_a_bad_option_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["-q", "ingest", str(_doc(tmp_path)), "--date", "hôm qua"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr
