#!/usr/bin/env bash
# Build the console's SPARQL editor (ui/components/sparql_editor/editor.js)
# from its pinned npm packages (package.json + package-lock.json): CodeMirror 6,
# its SPARQL mode, completion and lint.  The bundle is committed, so the
# dashboard needs neither node nor network; run this after changing src/ or
# the packages.
set -euo pipefail
cd "$(dirname "$0")/../ui/components/sparql_editor"
command -v npm >/dev/null || { echo "error: npm not found (apt-get install npm)" >&2; exit 2; }
npm ci --no-audit --no-fund
node_modules/.bin/esbuild src/index.js --bundle --format=esm --minify --legal-comments=eof --target=es2020 --outfile=editor.js
echo "built $(pwd)/editor.js ($(wc -c < editor.js) bytes)"
