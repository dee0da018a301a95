#!/bin/bash
# SageMaker notebook lifecycle hook "OnCreate" for the identity graph kit's Neptune Workbench.
# Runs once, as root, when the notebook instance is created (fetched from s3://<bucket>/lifecycle/
# by the hook in neptune-workbench.yaml). Only ~/SageMaker survives a stop/start, so everything
# installed outside it happens in on-start.sh; here we only prepare the persistent folder.
# Limits: 16384 characters, 5 minutes
# (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_NotebookInstanceLifecycleHook.html).
set -euo pipefail

notebooks_dir=/home/ec2-user/SageMaker/identity-graph
mkdir -p "$notebooks_dir/.idgraph"
chown -R ec2-user:ec2-user "$notebooks_dir"
echo "idgraph on-create: prepared $notebooks_dir"
