#!/usr/bin/env bash
# Fetch the W3C Nu HTML Checker (vnu.jar) from the npm registry into .cache/vnu/ for the HTML
# validity test. Run by `make test`; does nothing when the jar is already there.
set -euo pipefail
VERSION="${VNU_VERSION:-26.9.27}"
DEST="${1:-.cache/vnu/vnu.jar}"
[[ -f "$DEST" ]] && exit 0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "vnu-jar@$VERSION" >/dev/null)
tar -xzf "$work/vnu-jar-$VERSION.tgz" -C "$work" package/build/dist/vnu.jar
mkdir -p "$(dirname "$DEST")"
mv "$work/package/build/dist/vnu.jar" "$DEST"
echo "vnu.jar $VERSION -> $DEST"
