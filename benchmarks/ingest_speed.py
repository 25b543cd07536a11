"""How ingest's time grows with its input: prose, a long numbered list and space-less text at three sizes.

Usage: python benchmarks/ingest_speed.py [--sizes 1,2,4] [--repeat 3]

Each corpus is built in memory from tests/fixtures/ingest (prose: the fixture texts repeated; a numbered list
of task items; one space-less run of glued syllables) at the given multiples of its base size, ingested in this
process (lexicon and gazetteer loaded first), best of --repeat. Prints CPU seconds, KB/s and the time per MB
relative to the smallest size: a ratio near 1.0 is linear growth, a ratio growing with the size is not.
Figures are ratios within one run on a shared machine; they prove nothing alone.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from phoihop.extract.lexicon import lexicon
from phoihop.ingest import ingest_text

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "ingest"
ITEM = ("{n}. Sở Lao động - Thương binh và Xã hội chủ trì, phối hợp với Liên đoàn Lao động tỉnh kiểm tra "
        "việc thực hiện chính sách tại ít nhất {n} doanh nghiệp hằng năm.")
HEADER = "ỦY BAN NHÂN DÂN TỈNH BẾN TRE\nSố: 12/KH-UBND\nBến Tre, ngày 3 tháng 4 năm 2023\nKẾ HOẠCH\n" \
         "Phối hợp với Liên đoàn Lao động tỉnh\nII. NỘI DUNG\n"


def prose(scale: int) -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))]
    return "\n\n".join(texts * scale)


def numbered(scale: int) -> str:
    return HEADER + "\n".join(ITEM.format(n=n) for n in range(1, 500 * scale + 1)) + "\n"


def spaceless(scale: int) -> str:
    return "Hai bên thống nhất: " + "liênđoànlaođộngtỉnhphốihợpkiểmtra" * (400 * scale) + ".\n"


def best_time(text: str, repeat: int) -> float:
    """CPU seconds of this process (the machine is shared: wall time would count other people's work)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        ingest_text(text, "speed.txt")
        best = min(best, time.process_time() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,2,4", help="multiples of each corpus's base size")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    lex = lexicon()
    lex.gazetteer.resolve_unit("huyện Châu Thành")  # load the district and commune index outside the timing
    print(f"{'corpus':10} {'size':>6} {'KB':>8} {'CPU s':>8} {'KB/s':>7} {'s/MB vs smallest':>17}")
    for name, build in (("prose", prose), ("numbered", numbered), ("spaceless", spaceless)):
        first_rate = None
        for scale in sizes:
            text = build(scale)
            kb = len(text.encode("utf-8")) / 1024
            seconds = best_time(text, args.repeat)
            per_mb = seconds / (kb / 1024)
            first_rate = first_rate or per_mb
            print(f"{name:10} {scale:>5}x {kb:8.0f} {seconds:8.2f} {kb / seconds:7.0f} {per_mb / first_rate:17.2f}")
    print(f"corpus: {FIXTURES} (prose), generated items and glued syllables; best of {args.repeat}, one core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
