#!/bin/bash
# Installs what the identity graph kit's notebooks need on an Amazon Linux 2023 Neptune Workbench
# (platform notebook-al2023-v1). Started in the background by on-start.sh, as root, at every start
# (only ~/SageMaker persists, so each start installs again). Steps:
#   1. graph-notebook, configured for IAM auth, as the Neptune Workbench's own lifecycle does
#   2. Node.js LTS from the AL2023 packages nodejs<N> / nodejs<N>-npm (node-<N>, npm-<N>):
#      https://docs.aws.amazon.com/linux/al2023/ug/nodejs.html
#   3. tslab and the kit (npm tarball from the bucket, or an npm spec) into /home/ec2-user/node_modules,
#      which Node's module resolution reaches from ~/SageMaker/identity-graph/
#   4. the tslab kernel, registered with the Jupyter environment's Python (register-tslab-kernel.sh)
#   5. the kit's config file from ~/graph_notebook_config.json (write-kit-config.sh)
#   6. the kit's notebooks copied to ~/SageMaker/identity-graph/ (never over the reader's edits)
#   7. a non-blocking restart of the Jupyter server
set -euo pipefail

# Overridable for the test that runs this script with stand-ins for dnf, aws, sudo and systemctl.
home="${IDGRAPH_HOME:-/home/ec2-user}"
# Lifecycle hooks start with PATH=/sbin:bin:/usr/sbin:/usr/bin; the AWS CLI may live in conda.
export PATH="$PATH:/usr/local/bin:$home/anaconda3/bin"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jupyter_python="$home/anaconda3/envs/JupyterSystemEnv/bin/python"
node_major="${IDGRAPH_NODE_MAJOR:-22}"
region="${AWS_REGION:?AWS_REGION is not set}"
bucket="${IDGRAPH_BUCKET:?IDGRAPH_BUCKET is not set}"
notebooks_dir="$home/SageMaker/identity-graph"
data_dir="$notebooks_dir/.idgraph"

step() { echo "idgraph install: $(date -u +%FT%TZ) $*"; }
as_user() { sudo -u ec2-user -H env "PATH=/usr/local/bin:/usr/bin:/bin" "AWS_REGION=$region" "$@"; }

step "1/7 graph-notebook (auth mode ${GRAPH_NOTEBOOK_AUTH_MODE:-IAM})"
profile="$home/.idgraph-graph-notebook.sh"
cat > "$profile" <<ENV
export GRAPH_NOTEBOOK_AUTH_MODE=${GRAPH_NOTEBOOK_AUTH_MODE:-IAM}
export GRAPH_NOTEBOOK_SSL=True
export GRAPH_NOTEBOOK_HOST=${GRAPH_NOTEBOOK_HOST:-}
export GRAPH_NOTEBOOK_PORT=${GRAPH_NOTEBOOK_PORT:-8182}
export GRAPH_NOTEBOOK_SERVICE=neptune-db
export NEPTUNE_LOAD_FROM_S3_ROLE_ARN=${NEPTUNE_LOAD_FROM_S3_ROLE_ARN:-}
export AWS_REGION=$region
ENV
chown ec2-user:ec2-user "$profile"
grep -qF "$profile" "$home/.bashrc" || echo "source $profile" >> "$home/.bashrc"
# The Neptune Workbench release of graph-notebook (the same tarball the console's Workbench uses).
# What its install.sh does to JupyterSystemEnv could not be read (the tarball is only in AWS's
# regional buckets). What is public: AWS's sample lifecycle for the Amazon Linux 2 platforms
# (aws/graph-notebook additional-databases/sagemaker/sagemaker-notebook-lifecycle/
# install-graph-notebook-lc.sh) pins jupyter_server<=2.7.3, notebook==6.4.12, jupyter-client<=6.1.12
# and nbclient<=0.7.0 into JupyterSystemEnv; on notebook-al2023-v1 (JupyterLab 4, notebook 7,
# jupyter_client 8) that would downgrade the server and break its restart. graph-notebook 5.x
# itself asks for jupyterlab>=4.3.5,<5, notebook 7, jupyter_client 8 (its pyproject.toml). So the
# server's packages are recorded before the install, and any it changed are put back after it:
# a working JupyterLab 4 matters more than graph-notebook's widgets.
jupyter_server_packages() {
  [ -x "$jupyter_python" ] || return 0
  "$jupyter_python" - <<'PY'
import importlib.metadata as metadata
for name in ("jupyterlab", "jupyter_server", "notebook", "jupyter_client", "jupyter_core", "nbclient", "nbclassic", "ipykernel"):
    try:
        print("%s==%s" % (name, metadata.version(name)))
    except metadata.PackageNotFoundError:
        pass
PY
}
release_dir="$(mktemp -d)"
chown ec2-user:ec2-user "$release_dir"
if aws s3 cp --quiet "s3://aws-neptune-notebook-$region/graph_notebook.tar.gz" "$release_dir/graph_notebook.tar.gz"; then
  tar -xzf "$release_dir/graph_notebook.tar.gz" -C "$release_dir"
  chown -R ec2-user:ec2-user "$release_dir"
  server_before="$(jupyter_server_packages)"
  sudo -u ec2-user -i bash -c "source '$profile' && '$release_dir/graph_notebook/install.sh'" || step "graph-notebook install failed; continuing"
  mapfile -t changed < <(comm -23 <(sort <<<"$server_before") <(jupyter_server_packages | sort) | grep -v '^$' || true)
  if [ ${#changed[@]} -gt 0 ]; then
    step "graph-notebook's install changed the Jupyter server's packages; putting back ${changed[*]}"
    as_user "$(dirname "$jupyter_python")/pip" install --quiet --disable-pip-version-check "${changed[@]}" \
      || step "WARNING: could not put back ${changed[*]}: the Jupyter server may not restart; see above"
  fi
else
  step "graph-notebook release not reachable; continuing without it"
fi
rm -rf "$release_dir"

step "2/7 Node.js $node_major (dnf nodejs$node_major)"
dnf install -y -q "nodejs$node_major" "nodejs$node_major-npm"
node_bin="${IDGRAPH_NODE_BIN_DIR:-/usr/bin}/node-$node_major"
npm_bin="${IDGRAPH_NODE_BIN_DIR:-/usr/bin}/npm-$node_major"
[ -x "$node_bin" ] || { step "$node_bin missing after dnf install"; exit 1; }
"$node_bin" --version

step "3/7 tslab and the kit"
kit_spec="${IDGRAPH_KIT_PACKAGE:-}"
if [ -z "$kit_spec" ]; then
  kit_spec="$home/.idgraph-kit.tgz"
  if ! aws s3 cp --quiet "s3://$bucket/kit/idgraph-kit.tgz" "$kit_spec"; then
    step "ERROR: the kit cannot be installed: s3://$bucket/kit/idgraph-kit.tgz is not there (or not readable) and no kit package was given (the workbench stack's KitPackage is empty). Run \"idgraph provision\" from a shell with deploy rights (it packs and uploads the kit), or deploy the workbench stack with KitPackage=idgraph-kit@<version>; then stop and start this notebook instance."
    exit 1
  fi
  chown ec2-user:ec2-user "$kit_spec"
fi
# npm-<N> is a node script (#!/usr/bin/env node): put node-<N>'s folder first so it runs on that node.
as_user env "PATH=$(dirname "$node_bin"):/usr/bin:/bin" "$npm_bin" install --prefix "$home" --no-audit --no-fund "tslab@^1.0.22" "$kit_spec"

step "4/7 tslab kernel"
as_user bash "$here/register-tslab-kernel.sh" --python "$jupyter_python" --node "$node_bin" \
  --tslab "$home/node_modules/tslab/bin/tslab" --wrapper-dir "$home/.idgraph-kernel" --sys-prefix \
  --env "IDGRAPH_DATA_DIR=$data_dir" --env "AWS_REGION=$region" --env "NODE_PATH=$home/node_modules"

step "5/7 kit config"
mkdir -p "$data_dir"
chown ec2-user:ec2-user "$data_dir"
as_user env "IDGRAPH_BUCKET=$bucket" "IDGRAPH_STACK_PREFIX=${IDGRAPH_STACK_PREFIX:-identity-graph}" \
  "NEPTUNE_LOAD_FROM_S3_ROLE_ARN=${NEPTUNE_LOAD_FROM_S3_ROLE_ARN:-}" "GRAPH_NOTEBOOK_HOST=${GRAPH_NOTEBOOK_HOST:-}" \
  "GRAPH_NOTEBOOK_PORT=${GRAPH_NOTEBOOK_PORT:-8182}" "GRAPH_NOTEBOOK_AUTH_MODE=${GRAPH_NOTEBOOK_AUTH_MODE:-IAM}" \
  bash "$here/write-kit-config.sh" --python "$jupyter_python" --data-dir "$data_dir" \
  --graph-notebook-config "$home/graph_notebook_config.json"

step "6/7 notebooks"
mkdir -p "$notebooks_dir"
for notebook in "$home/node_modules/idgraph-kit/notebooks/"*.ipynb; do
  [ -e "$notebook" ] || continue
  target="$notebooks_dir/$(basename "$notebook")"
  if [ -e "$target" ]; then echo "kept $target"; else cp "$notebook" "$target" && echo "copied $target"; fi
done
chown -R ec2-user:ec2-user "$notebooks_dir"

step "7/7 restarting the Jupyter server"
# --no-block: queue the restart and return; this script is itself a child of the lifecycle hook.
systemctl --no-block restart jupyter-server || step "could not restart jupyter-server; restart the notebook instance"
step "done"
