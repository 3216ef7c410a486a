#!/bin/sh
# Bundle CodeMirror 6 for the page's editor, once, from the npm registry (no CDN at run time):
#   scripts/build-codemirror.sh
# installs the exact versions below in a scratch folder, bundles scripts/codemirror-entry.js
# with esbuild into static/vendor/codemirror-$CODEMIRROR/codemirror.min.js (one ES module),
# and copies every bundled package's LICENSE beside it with VERSIONS and the command used.
set -eu
CODEMIRROR=6.0.2
PACKAGES="codemirror@$CODEMIRROR @codemirror/view@6.43.15 @codemirror/state@6.7.6 \
@codemirror/language@6.13.1 @codemirror/commands@6.11.1 @codemirror/lang-python@6.2.1 \
@codemirror/lint@6.9.8 @lezer/python@1.1.19 @lezer/highlight esbuild@0.24.2"
REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT="$REPO/static/vendor/codemirror-$CODEMIRROR"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
echo '{"name": "codemirror-bundle", "private": true}' > package.json
# shellcheck disable=SC2086
npm install --no-audit --no-fund --save-exact $PACKAGES
cp "$REPO/scripts/codemirror-entry.js" entry.js
BUNDLE="./node_modules/.bin/esbuild entry.js --bundle --format=esm --minify --legal-comments=none --outfile=$OUT/codemirror.min.js"
rm -rf "$OUT" && mkdir -p "$OUT/licenses"
$BUNDLE
for dir in node_modules/@codemirror/* node_modules/@lezer/* node_modules/codemirror \
           node_modules/crelt node_modules/style-mod node_modules/w3c-keyname node_modules/@marijn/*; do
  [ -f "$dir/LICENSE" ] || continue
  name=$(echo "${dir#node_modules/}" | tr / _)
  cp "$dir/LICENSE" "$OUT/licenses/$name.LICENSE"
done
node -e 'const l = require("./package-lock.json").packages; for (const [p, v] of Object.entries(l)) if (p && !p.includes("esbuild")) console.log(p.replace("node_modules/", ""), v.version)' > "$OUT/VERSIONS"
printf 'Made by scripts/build-codemirror.sh:\n  npm install --save-exact %s\n  %s\n' "$PACKAGES" "$BUNDLE" \
  | sed "s#$OUT#static/vendor/codemirror-$CODEMIRROR#" > "$OUT/BUILD"
echo "$OUT"
