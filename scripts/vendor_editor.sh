#!/usr/bin/env bash
# Rebuild src/phoihop/templates/vendor/ -- the SPARQL editor (YASGUI: Yasqe + Yasr) that phoihop serve's
# query page inlines -- from the npm lockfile pinned in scripts/vendor/ (exact versions and integrity hashes).
#
#   bash scripts/vendor_editor.sh            # needs npm and the npm registry; writes the vendor folder
#
# The package ships a prebuilt bundle (build/yasgui.min.js, .css): nothing is compiled here. The script
# copies it, writes the licence of every package the bundle was built from (THIRD-PARTY.txt, from the
# lockfile) and the checksums that tests/test_html.py checks (SHA256SUMS). A fresh CI machine needs none
# of this: the vendored files are committed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$root/scripts/vendor/package.json" "$root/scripts/vendor/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
build="$work/node_modules/@zazuko/yasgui/build"
dest="$root/src/phoihop/templates/vendor"
mkdir -p "$dest"
sed '/^\/\/# sourceMappingURL=/d' "$build/yasgui.min.js" > "$dest/yasgui.min.js"
sed '/^\/\*# sourceMappingURL=/d' "$build/yasgui.min.css" > "$dest/yasgui.min.css"
python3 - "$work/package-lock.json" "$dest/THIRD-PARTY.txt" <<'PY'
import json, sys
lock = json.load(open(sys.argv[1], encoding="utf-8"))
lines = ["Packages in the npm lockfile of scripts/vendor/ (the editor bundle is built from them), with their",
         "licences as declared on npm. YASGUI's own licence is in LICENSE.yasgui.txt.", ""]
for path, meta in sorted(lock["packages"].items()):
    if path:
        lines.append(f"{path.removeprefix('node_modules/')} {meta.get('version', '?')}: {meta.get('license', '?')}")
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(lines) + "\n")
PY
(cd "$dest" && sha256sum yasgui.min.js yasgui.min.css > SHA256SUMS)
echo "vendored @zazuko/yasgui $(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['packages']['node_modules/@zazuko/yasgui']['version'])" "$root/scripts/vendor/package-lock.json") into $dest"
