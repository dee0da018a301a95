#!/bin/bash
# Registers the tslab (TypeScript) Jupyter kernel with a given Jupyter environment's Python, so
# that the kernel finds `node` whatever PATH the Jupyter server was started with: kernel.json runs
# a small wrapper that puts node's folder first on PATH and then starts tslab with that node.
#
# Usage:
#   register-tslab-kernel.sh --python <jupyter python> --node <node binary> --tslab <tslab bin script>
#                            --wrapper-dir <dir> (--sys-prefix | --prefix <dir>) [--env NAME=VALUE]...
#
# On the Workbench (called by install-kit.sh):
#   --python /home/ec2-user/anaconda3/envs/JupyterSystemEnv/bin/python --sys-prefix
# In tests: --python /usr/bin/python3 --prefix <temp dir> (then JUPYTER_PATH=<temp dir>/share/jupyter).
set -euo pipefail

die() {
  echo "register-tslab-kernel: $*" >&2
  exit 2
}

python=""
node=""
tslab=""
wrapper_dir=""
prefix_args=()
env_pairs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --python) python="${2:-}"; shift 2 ;;
    --node) node="${2:-}"; shift 2 ;;
    --tslab) tslab="${2:-}"; shift 2 ;;
    --wrapper-dir) wrapper_dir="${2:-}"; shift 2 ;;
    --sys-prefix) prefix_args=(--sys-prefix); shift ;;
    --prefix) prefix_args=("--prefix=${2:-}"); shift 2 ;;
    --env) env_pairs+=("${2:-}"); shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done

if [ -z "$python" ] || [ ! -x "$python" ]; then die "--python must name an executable Python (got '$python')"; fi
if [ -z "$node" ] || [ ! -x "$node" ]; then die "--node must name an executable node (got '$node')"; fi
if [ -z "$tslab" ] || [ ! -f "$tslab" ]; then die "--tslab must name tslab's bin script (got '$tslab')"; fi
[ -n "$wrapper_dir" ] || die "--wrapper-dir is required"
[ ${#prefix_args[@]} -eq 1 ] || die "give --sys-prefix or --prefix <dir>"
"$python" -c 'import jupyter_client, IPython' 2>/dev/null || die "$python has no jupyter_client/IPython: not a Jupyter environment"

mkdir -p "$wrapper_dir"
wrapper="$(cd "$wrapper_dir" && pwd)/tslab-kernel"
node_dir="$(cd "$(dirname "$node")" && pwd)"
{
  echo '#!/bin/bash'
  echo '# Written by register-tslab-kernel.sh: starts tslab with node first on PATH.'
  # shellcheck disable=SC2016 # $PATH is meant for the wrapper, not expanded here
  printf 'PATH=%q:"$PATH"\n' "$node_dir"
  echo 'export PATH'
  for pair in "${env_pairs[@]+"${env_pairs[@]}"}"; do
    name="${pair%%=*}"
    [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "--env takes NAME=VALUE (got '$pair')"
    printf 'export %s=%q\n' "$name" "${pair#*=}"
  done
  printf 'exec %q %q "$@"\n' "$node" "$tslab"
} > "$wrapper.tmp"
chmod 755 "$wrapper.tmp"
mv "$wrapper.tmp" "$wrapper"

# tslab's installer writes kernel.json with argv [<binary>, "kernel", "--config-path", "{connection_file}"].
"$node" "$tslab" install --python="$python" --binary="$wrapper" "${prefix_args[@]}"

# Check what was written, where Jupyter will look for it.
if [ "${prefix_args[0]}" = "--sys-prefix" ]; then
  kernels="$("$python" -c 'import sys; print(sys.prefix)')/share/jupyter/kernels"
else
  kernels="${prefix_args[0]#--prefix=}/share/jupyter/kernels"
fi
"$python" - "$kernels/tslab/kernel.json" "$wrapper" <<'PY'
import json, sys
path, wrapper = sys.argv[1], sys.argv[2]
with open(path) as f:
    spec = json.load(f)
if spec["argv"][0] != wrapper:
    sys.exit("register-tslab-kernel: %s starts %s, expected %s" % (path, spec["argv"][0], wrapper))
print("register-tslab-kernel: tslab kernel registered in %s" % path)
PY
