"""Regressions found by the ingest fuzzer (benchmarks/fuzz_ingest.py), one test per bug."""

from __future__ import annotations

from pathlib import Path

from phoihop.gazetteer import area_graph
from phoihop.ingest import ingest_text
from phoihop.namespaces import DCT, PH, RDF

FIXTURE = Path(__file__).parent / "fixtures" / "ingest" / "chau-thanh-ke-hoach.txt"


def test_district_named_only_in_the_header_is_declared() -> None:
    """A district found before its province was known gave actors an undeclared dct:spatial area."""
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    text = "\n".join(["ỦY BAN NHÂN DÂN", *lines[1:]])
    graph = ingest_text(text, "chau-thanh-header.txt")
    gazetteer = set(area_graph().subjects(RDF.type, PH.AdministrativeArea))
    for area in set(graph.objects(None, DCT.spatial)):
        assert area in gazetteer or (area, RDF.type, PH.AdministrativeArea) in graph, area


def test_agreement_named_with_parties_also_carries_its_short_name() -> None:
    """Texts refer back to 'Quy chế về …' without the parties; the instrument must answer to that name too."""
    from phoihop.namespaces import SKOS

    text = ("Sáng 12/4, UBND tỉnh Bến Tre và Liên đoàn Lao động tỉnh Bến Tre tổ chức hội nghị sơ kết thực hiện "
            "Quy chế về mối quan hệ công tác giữa UBND tỉnh và LĐLĐ tỉnh năm 2023.\n")
    graph = ingest_text(text, "ben-tre-so-ket.txt")
    names = {str(label) for label in graph.objects(None, SKOS.altLabel)}
    assert "Quy chế về mối quan hệ công tác" in names, names


def test_a_group_of_unnamed_agreements_does_not_take_the_tasks_that_follow() -> None:
    """Regression: once 'nhiều chương trình, kế hoạch phối hợp' became an instrument, every later task was
    filed under it as the nearest agreement; tasks belong to a named agreement or the document's own list."""
    text = ("Năm 2023, các sở, ngành thuộc UBND tỉnh Nghệ An đã ký kết nhiều chương trình, kế hoạch phối hợp "
            "với LĐLĐ tỉnh.\nSở Xây dựng chủ trì, phối hợp với LĐLĐ tỉnh khảo sát nhu cầu nhà ở của công nhân.\n")
    graph = ingest_text(text, "nghe-an-nhom.txt")
    groups = {s for s in graph.subjects(RDF.type, PH.CoordinationProgramme) if "/nhom-" in str(s)}
    assert len(groups) == 1
    tasks = set(graph.subjects(RDF.type, PH.Commitment))
    assert tasks and not any((task, PH.programme, group) in graph for task in tasks for group in groups)


def test_a_plural_type_word_without_a_partner_is_not_an_instrument() -> None:
    """'các chương trình phối hợp' with no body after it names nothing one could cite."""
    text = "Năm 2023, UBND tỉnh Nghệ An triển khai các chương trình phối hợp đạt kết quả tốt.\n"
    graph = ingest_text(text, "nghe-an-chung.txt")
    assert not [s for s in graph.subjects(RDF.type, PH.CoordinationProgramme) if "/nhom-" in str(s)]


def test_a_bad_row_of_known_instruments_names_the_table(tmp_path, monkeypatch) -> None:
    """A table row whose number does not parse must stop ingest with the table's path, not a traceback."""
    import shutil

    import pytest

    from phoihop.errors import DataInvalid
    from phoihop.extract import lexicon as extract
    from phoihop.resources import data_dir

    shutil.copytree(data_dir() / "lexicon", tmp_path / "lexicon")
    shutil.copytree(data_dir() / "gazetteer", tmp_path / "gazetteer")
    table = tmp_path / "lexicon" / "known_instruments.csv"
    table.write_text(table.read_text(encoding="utf-8") + "không-phải-số,NQ,bo-chinh-tri,2020-01-01,x,y,\n",
                     encoding="utf-8")
    monkeypatch.setattr(extract, "data_dir", lambda: tmp_path)
    with pytest.raises(DataInvalid, match="known_instruments.csv"):
        extract.Lexicon()


def test_a_regulation_about_coordination_between_two_bodies_is_an_agreement() -> None:
    """Regression: 'Quy chế về phối hợp công tác giữa X và Y' was missed ('về' before a modifier stopped the
    type phrase), so the tasks under it had no agreement."""
    text = ("Ngày 5/3/2024, UBND tỉnh Quảng Ninh và LĐLĐ tỉnh ký Quy chế về phối hợp công tác giữa UBND tỉnh và "
            "LĐLĐ tỉnh giai đoạn 2024-2029.\nTheo đó, Sở Nội vụ chủ trì, phối hợp với LĐLĐ tỉnh theo dõi việc "
            "thực hiện Quy chế.\n")
    graph = ingest_text(text, "quang-ninh-quy-che.txt")
    regulations = list(graph.subjects(RDF.type, PH.CoordinationRegulation))
    assert len(regulations) == 1
    parties = {str(p).rsplit("/", 1)[-1] for p in graph.objects(regulations[0], PH.party)}
    assert parties == {"uy-ban-nhan-dan", "lien-doan-lao-dong"}
    assert any(graph.objects(None, PH.programme)) and set(graph.objects(None, PH.programme)) == set(regulations)


def test_a_law_with_its_number_is_one_dated_edition() -> None:
    """Regression: 'Bộ luật Lao động số 45/2019/QH14 ngày …' gave an undated law and dropped the number; a
    later bare 'Bộ luật Lao động' then made a second node."""
    from phoihop.namespaces import ELI

    text = ("Căn cứ Bộ luật Lao động số 45/2019/QH14 ngày 20 tháng 11 năm 2019;\nSở Lao động - Thương binh và Xã hội "
            "tỉnh Hà Tĩnh chủ trì, phối hợp với LĐLĐ tỉnh tuyên truyền Bộ luật Lao động.\n")
    graph = ingest_text(text, "ha-tinh-luat.txt")
    codes = list(graph.subjects(RDF.type, PH.Code))
    assert [str(c).split("/instrument/")[1] for c in codes] == ["quoc-hoi/bo-luat-lao-dong-2019"]
    assert str(graph.value(codes[0], ELI.id_local)) == "45/2019/QH14"
    assert str(graph.value(codes[0], ELI.date_document)) == "2019-11-20"


def test_a_plan_keeps_its_tasks_and_its_cited_programme_gets_parties() -> None:
    """Regression: a plan that cites 'Chương trình phối hợp số … giữa X và Y giai đoạn …' in its legal basis
    filed every task under that programme, which had no parties (so it fell back to OtherInstrument) and took
    its area from the plan's district."""
    text = ("UBND HUYỆN MỘC CHÂU\nSố: 12/KH-UBND\nMộc Châu, ngày 15 tháng 3 năm 2024\nKẾ HOẠCH\nThực hiện công tác "
            "lao động năm 2024\nCăn cứ Chương trình phối hợp số 08/CTrPH-UBND-LĐLĐ ngày 06/4/2022 giữa UBND tỉnh "
            "Sơn La và LĐLĐ tỉnh Sơn La giai đoạn 2022 - 2026;\n1. Giao Phòng Nội vụ chủ trì, phối hợp Liên đoàn "
            "Lao động huyện kiểm tra việc thực hiện chính sách lao động.\n")
    graph = ingest_text(text, "moc-chau-ke-hoach-12.txt")
    programmes = list(graph.subjects(RDF.type, PH.CoordinationProgramme))
    assert [str(p).split("/instrument/")[1] for p in programmes] == ["son-la-ubnd-ldld/08-ctrph"]
    parties = {str(p).split("/actor/")[1] for p in graph.objects(programmes[0], PH.party)}
    assert parties == {"son-la/uy-ban-nhan-dan", "son-la/lien-doan-lao-dong"}
    assert graph.value(programmes[0], PH.period) is not None
    homes = set(graph.objects(None, PH.programme))
    assert homes and all(str(h).endswith("/son-la-huyen-moc-chau-ubnd/12-kh") for h in homes), homes


def test_a_lower_case_list_of_offices_after_a_colon_is_read() -> None:
    """Regression: 'các phòng: Tài chính - Kế hoạch, Nội vụ, Tư pháp' (lower-case head) named no office."""
    text = ("UBND huyện Mộc Châu, tỉnh Sơn La giao Phòng Lao động - Thương binh và Xã hội chủ trì, phối hợp với "
            "các phòng: Tài chính - Kế hoạch, Nội vụ, Tư pháp kiểm tra việc thực hiện chính sách lao động.\n")
    graph = ingest_text(text, "moc-chau-phong.txt")
    offices = {str(s).rsplit("/", 1)[-1] for s in graph.subjects(RDF.type, PH.Department)}
    assert {"phong-tai-chinh-ke-hoach", "phong-noi-vu", "phong-tu-phap"} <= offices, offices
    generic = "Năm 2023, các phòng chuyên môn của huyện Mộc Châu hoàn thành nhiệm vụ.\n"
    assert not set(ingest_text(generic, "moc-chau-chung.txt").subjects(RDF.type, PH.Department))


def test_a_news_dateline_dates_the_source() -> None:
    """Regression: a page opening 'Thứ Ba, 09/01/2024 15:30' had no date, so posts had no attestation date."""
    graph = ingest_text("Thứ Ba, 09/01/2024 15:30\n\nLĐLĐ tỉnh Nghệ An tổ chức hội nghị.\n", "nghe-an-tin.txt")
    source = next(graph.subjects(RDF.type, PH.SourceDocument))
    assert str(graph.value(source, DCT.date)) == "2024-01-09"


def test_a_district_plan_numbered_by_sector_codes_names_the_office_and_its_head() -> None:
    """Regression: in a district's '05/KH-LĐTBXH-LĐLĐ' the LĐTBXH code named no issuer, and a signature
    'TRƯỞNG PHÒNG / LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI / name' gave the signer no post."""
    from phoihop.namespaces import ELI, ORG

    text = ("PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI HUYỆN MỘC CHÂU\nSố: 05/KH-LĐTBXH-LĐLĐ\nMộc Châu, ngày 15 tháng "
            "3 năm 2024\nKẾ HOẠCH\nPhối hợp chăm lo cho người lao động tỉnh Sơn La năm 2024\n1. Giao Liên đoàn "
            "Lao động huyện chủ trì, phối hợp Phòng Nội vụ thăm hỏi đoàn viên khó khăn.\nTRƯỞNG PHÒNG\n"
            "LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\n\nLò Văn Thắm\n")
    graph = ingest_text(text, "moc-chau-ke-hoach-05.txt")
    office = "https://w3id.org/phoihop/id/actor/son-la/huyen-moc-chau/phong-lao-dong-thuong-binh-va-xa-hoi"
    plan = next(graph.subjects(ELI.id_local, None))
    assert office in {str(a) for a in graph.objects(plan, ELI.passed_by)}
    posts = {str(graph.value(m, ORG.organization)) for m in graph.subjects(ORG.member, None)}
    assert office in posts


def test_a_clause_after_a_semicolon_keeps_the_joint_subject() -> None:
    """Regression: in 'hai bên phối hợp …; định kỳ 6 tháng tổ chức giao ban' the second clause lost its
    subject (the first clause's roles were read without the programme's parties) and was dropped."""
    text = ("Hà Tĩnh: ký kết chương trình phối hợp\n"  # a headline: the first line is not read for tasks
            "UBND tỉnh Hà Tĩnh và LĐLĐ tỉnh ký Chương trình phối hợp giai đoạn 2024-2028.\n\nTheo Chương trình mới, "
            "hai bên phối hợp tuyên truyền, quán triệt Nghị quyết “về đổi mới tổ chức và hoạt động của Công đoàn "
            "Việt Nam trong tình hình mới” đến đoàn viên; định kỳ 6 tháng tổ chức giao ban.\n")
    graph = ingest_text(text, "ha-tinh-tin.txt")
    six = [c for c in graph.subjects(RDF.type, PH.Commitment)
           if any(str(f).endswith("/every-6-months") for f in graph.objects(c, PH.frequency))]
    assert len(six) == 1
    leads = {str(a).rsplit("/", 1)[-1] for a in graph.objects(six[0], PH.leadActor)}
    assert leads == {"uy-ban-nhan-dan", "lien-doan-lao-dong"}


def test_a_body_whose_province_the_text_never_names_is_kept_and_flagged(tmp_path) -> None:
    """Regression: 'Liên đoàn Lao động tỉnh và Công an tỉnh ký kết quy chế' on a page that never names the
    province minted no actor, so the agreement had no parties and its tasks no lead. Now each body is minted
    under a placeholder area of the document, flagged for review, and the output still conforms."""
    from phoihop.namespaces import SKOS
    from phoihop.validate import validate_files

    text = ("Chiều 15-11, Liên đoàn Lao động tỉnh và Công an tỉnh đã ký kết quy chế phối hợp về công tác đảm bảo "
            "an ninh trật tự giai đoạn 2018-2023. Hai bên phối hợp tuyên truyền pháp luật cho công nhân.\n")
    graph = ingest_text(text, "tin-khong-ro-tinh.txt")
    actors = {str(a).split("/actor/")[1] for a in graph.objects(None, PH.leadActor)}
    assert actors == {"khong-ro-tin-khong-ro-tinh/lien-doan-lao-dong", "khong-ro-tin-khong-ro-tinh/cong-an"}
    for actor in graph.objects(None, PH.leadActor):
        assert any(True for _ in graph.objects(actor, SKOS.editorialNote))
    out = tmp_path / "out.ttl"
    out.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    violations = [r for r in validate_files([out]).results if r.severity.endswith("Violation")]
    assert not violations, [(r.focus, r.message_en) for r in violations[:5]]


def test_two_events_named_alike_on_one_day_are_one_node() -> None:
    """Regression (fuzzer, an NFD copy of a fixture): two events whose names share their first eight words on
    one day got one IRI and two Vietnamese labels, which the shapes refuse."""
    from phoihop.namespaces import SKOS

    text = ("Sáng 12/4/2023, UBND tỉnh Phú Yên tổ chức Hội nghị sơ kết 2 năm thực hiện Quy chế phối hợp công tác "
            "giai đoạn 2021-2025.\nSáng 12/4/2023, LĐLĐ tỉnh Phú Yên tổ chức Hội nghị sơ kết 2 năm thực hiện Quy chế "
            "phối hợp công tác với Sở Nội vụ.\n")
    graph = ingest_text(text, "hai-hoi-nghi.txt")
    events = [s for s in set(graph.subjects(None, None)) if "/event/" in str(s)]
    for event in events:
        assert len([lit for lit in graph.objects(event, SKOS.prefLabel) if lit.language == "vi"]) == 1, event


def test_tasks_without_a_named_programme_belong_to_the_report_itself() -> None:
    """Regression (issue 12, second round): tasks a news report states with no programme named were filed under
    a made-up 'Nhiệm vụ nêu trong tài liệu …' plan issued by the first lead. Their instrument is now the source
    text itself: an OtherInstrument named by its headline, dated by it, issued by nobody, with a note saying so."""
    from phoihop.namespaces import ELI, SKOS

    text = ("Công đoàn tỉnh Yên Bái ra quân hỗ trợ người lao động\n\nThứ Ba, 05/03/2024 08:30\n\nLiên đoàn Lao động "
            "tỉnh Yên Bái cho biết sẽ phối hợp với Sở Y tế tổ chức khám sức khỏe cho 500 công nhân.\n")
    graph = ingest_text(text, "yen-bai-tin.txt")
    homes = set(graph.objects(None, PH.programme))
    assert [str(h).split("/instrument/")[1] for h in homes] == ["van-ban-nguon/yen-bai-tin"]
    home = homes.pop()
    assert (home, RDF.type, PH.OtherInstrument) in graph
    assert graph.value(home, ELI.passed_by) is None and graph.value(home, ELI.type_document) is None
    assert str(graph.value(home, ELI.date_document)) == "2024-03-05"
    assert "Công đoàn tỉnh Yên Bái ra quân" in str(graph.value(home, SKOS.prefLabel))
    assert {n.language for n in graph.objects(home, SKOS.note)} == {"vi", "en"}


def test_a_parent_named_only_inside_its_organ_is_not_a_body_the_text_names() -> None:
    """Regression: 'Thường trực Tỉnh ủy' (a recipient) also wrote the Tỉnh ủy as a body of the text; the organ is
    the body named, and its parent is written only where it leads a task."""
    text = ("Liên đoàn Lao động tỉnh Sơn La phối hợp với Sở Y tế tổ chức khám sức khỏe cho công nhân.\n\n"
            "Nơi nhận:\n- Thường trực Tỉnh ủy (b/c);\n- Lưu: VT.\n")
    graph = ingest_text(text, "son-la-noi-nhan.txt")
    actors = {str(s).split("/actor/")[1] for s in graph.subjects(RDF.type, None) if "/actor/" in str(s)}
    assert "son-la/tinh-uy/thuong-truc" in actors
    assert "son-la/tinh-uy" not in actors


def test_a_byline_names_the_publisher_not_a_body_of_the_text() -> None:
    """Regression: '(Báo Hà Tĩnh) - Sáng 17/4, …' wrote the newspaper as a body the text speaks of."""
    text = ("Ba đơn vị ký kết phối hợp\n\n(Báo Quảng Bình) - Sáng 17/4, Liên đoàn Lao động tỉnh Quảng Bình và "
            "Tỉnh đoàn ký kết Chương trình phối hợp giai đoạn 2024 - 2029.\n")
    graph = ingest_text(text, "quang-binh-tin.txt")
    actors = {str(s).split("/actor/")[1] for s in graph.subjects(RDF.type, None) if "/actor/" in str(s)}
    assert "quang-binh/lien-doan-lao-dong" in actors
    assert not any("bao-quang-binh" in a for a in actors), actors
