#!/bin/bash
# SageMaker notebook lifecycle hook "OnStart" for the identity graph kit's Neptune Workbench.
# Runs as root at every start, with the environment exported by the hook in
# neptune-workbench.yaml (IDGRAPH_BUCKET, AWS_REGION, IDGRAPH_STACK_PREFIX, IDGRAPH_KIT_PACKAGE,
# IDGRAPH_NODE_MAJOR, GRAPH_NOTEBOOK_HOST/PORT/AUTH_MODE, NEPTUNE_LOAD_FROM_S3_ROLE_ARN).
#
# A hook may run at most 5 minutes or the instance fails to start; installing graph-notebook,
# Node.js, tslab and the kit takes longer, so install-kit.sh runs in the background (nohup) and
# logs to ~/SageMaker/identity-graph/.idgraph/install.log, a file that survives restarts. It
# restarts the Jupyter server when done, so the TypeScript kernel appears.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
installer="${IDGRAPH_INSTALL_SCRIPT:-$here/install-kit.sh}"
log_dir="${IDGRAPH_LOG_DIR:-/home/ec2-user/SageMaker/identity-graph/.idgraph}"
mkdir -p "$log_dir"
log="$log_dir/install.log"

echo "idgraph on-start: $(date -u +%FT%TZ) starting $installer in the background" >> "$log"
nohup bash "$installer" >> "$log" 2>&1 < /dev/null &
disown
echo "idgraph on-start: installing in the background; follow $log"
