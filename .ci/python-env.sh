#!/usr/bin/env bash
# Makes one Python virtual environment per requirements file: .ci/requirements-<name>.txt becomes
# .venv/<name> with exactly those pinned packages. One environment per tool family because their
# pins (checkov's, graph-notebook's, pyspark's) need not agree with each other.
# Idempotent: an environment is rebuilt only when its requirements file changed.
# Usage: bash .ci/python-env.sh [name ...]   (default: every requirements file)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${IDGRAPH_PYTHON:-python3}
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in .ci/requirements-*.txt; do
    [ -e "$f" ] || continue
    n=${f#.ci/requirements-}; names+=("${n%.txt}")
  done
fi
for name in "${names[@]}"; do
  req=.ci/requirements-$name.txt
  venv=.venv/$name
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$want" ]; then
    echo "python env $name: up to date"
    continue
  fi
  echo "python env $name: installing $req"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
  echo "$want" > "$venv/.requirements.sha256"
done
