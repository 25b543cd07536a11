"""Write a synthetic all-Vietnam graph (the same as `phoihop synth`), for benchmark scripts and notebooks.

    python benchmarks/synth.py --triples 1M -o /tmp/synth-1M.nt
    python benchmarks/synth.py --triples 100k --seed 7 -o /tmp/synth-100k.nq
"""

from __future__ import annotations

import argparse
import sys

from phoihop.errors import PhoihopError
from phoihop.synth import synth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", required=True, help="target size: a number or 10k, 100k, 1M, 5M")
    parser.add_argument("-o", "--out", required=True, help="output file: .nt, .nq or .ttl; - = stdout")
    parser.add_argument("--seed", type=int, default=1, help="same seed and size, same bytes (default 1)")
    args = parser.parse_args(argv)
    try:
        result = synth(args.triples, args.out, args.seed)
    except PhoihopError as err:
        print(f"synth: {err}", file=sys.stderr)
        return err.exit_code
    print(f"{result.triples} triples in {result.seconds:.1f} s -> {result.path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
