#!/bin/bash
# Writes the kit's config file (<data dir>/config.json) for aws mode from what the Workbench
# knows: graph-notebook's ~/graph_notebook_config.json (host, port, auth_mode, aws_region) and the
# lifecycle's environment (bucket, stack prefix, loader role). Existing fields are kept (merged);
# the file is replaced atomically (temp file, then rename).
#
# Usage: write-kit-config.sh --python <python> --data-dir <dir> [--graph-notebook-config <file>]
# Environment: IDGRAPH_BUCKET, AWS_REGION, IDGRAPH_STACK_PREFIX, NEPTUNE_LOAD_FROM_S3_ROLE_ARN and, when
# there is no graph-notebook config, GRAPH_NOTEBOOK_HOST/PORT/AUTH_MODE (all optional).
set -euo pipefail

python=""
data_dir=""
graph_config="${HOME:-/home/ec2-user}/graph_notebook_config.json"
while [ $# -gt 0 ]; do
  case "$1" in
    --python) python="${2:-}"; shift 2 ;;
    --data-dir) data_dir="${2:-}"; shift 2 ;;
    --graph-notebook-config) graph_config="${2:-}"; shift 2 ;;
    *) echo "write-kit-config: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -z "$python" ] || [ -z "$data_dir" ]; then
  echo "write-kit-config: --python and --data-dir are required" >&2
  exit 2
fi
mkdir -p "$data_dir"

"$python" - "$data_dir/config.json" "$graph_config" <<'PY'
import json, os, sys, tempfile

target, graph_config = sys.argv[1], sys.argv[2]

def read_json(path, what):
    try:
        with open(path) as f:
            return json.load(f)
    except ValueError as error:
        sys.exit("write-kit-config: %s (%s) is not valid JSON: %s" % (path, what, error))

config = read_json(target, "kit config") if os.path.exists(target) else {}
if not isinstance(config, dict):
    sys.exit("write-kit-config: %s is not a JSON object" % target)
config["mode"] = "aws"
env = os.environ
for key, name in (("region", "AWS_REGION"), ("bucket", "IDGRAPH_BUCKET"), ("stackPrefix", "IDGRAPH_STACK_PREFIX"), ("loaderRoleArn", "NEPTUNE_LOAD_FROM_S3_ROLE_ARN")):
    if env.get(name):
        config[key] = env[name]

# https://github.com/aws/graph-notebook: host, port, auth_mode ("IAM" | "DEFAULT"), aws_region.
if os.path.exists(graph_config):
    graph = read_json(graph_config, "graph-notebook config")
    if graph.get("host"):
        config["neptune"] = {
            "host": graph["host"],
            "port": int(graph.get("port", 8182)),
            "iamAuth": str(graph.get("auth_mode", "")).upper() == "IAM",
            "region": graph.get("aws_region") or config.get("region"),
        }
elif env.get("GRAPH_NOTEBOOK_HOST"):
    # graph-notebook did not install: the lifecycle's own settings name the same cluster.
    config["neptune"] = {
        "host": env["GRAPH_NOTEBOOK_HOST"],
        "port": int(env.get("GRAPH_NOTEBOOK_PORT") or 8182),
        "iamAuth": env.get("GRAPH_NOTEBOOK_AUTH_MODE", "").upper() == "IAM",
        "region": config.get("region"),
    }
config.setdefault("stackOutputs", {})

folder = os.path.dirname(os.path.abspath(target))
fd, temp = tempfile.mkstemp(prefix=".config.", suffix=".tmp", dir=folder)
with os.fdopen(fd, "w") as f:
    json.dump(config, f, indent=2)
    f.write("\n")
os.replace(temp, target)
print("write-kit-config: wrote %s" % target)
PY
