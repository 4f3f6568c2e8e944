#!/usr/bin/env bash
# Fails when docs/errors.md no longer matches the catalogue in errors.def.
# Usage: check-doc.sh GEN_ERRORS_BINARY DOCS_ERRORS_MD
set -euo pipefail
if ! "$1" | diff -u "$2" -; then
  echo "docs/errors.md is stale: run build/bin/gen_errors > docs/errors.md" >&2
  exit 1
fi
