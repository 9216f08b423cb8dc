#!/usr/bin/env bash
# Containers: berthd vs a private dockerd (Debian docker.io 20.10 + containerd + runc), both through the docker CLI.
# Usage: bench/containers/run.sh [sequential runs=10] [concurrent=50]   (as root; prints both sides and ratios)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/deps.sh
berth_ensure_packages docker.io busybox-static
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
[ -x out/berthd ] && [ -x out/berth-shim ] || ./build.sh
dotnet build bench/containers/ContainersBench -c Release -v q -nologo -clp:ErrorsOnly
exec bench/containers/ContainersBench/bin/Release/net10.0/ContainersBench "$@"
