#!/usr/bin/env bash
# Image load/save: berth's store vs a private dockerd (Debian docker.io 20.10), same ~100 MB 4-layer archive.
# Usage: bench/images/run.sh [runs=3] [MB per layer=25]   (as root; prints medians and berth/dockerd ratios)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/deps.sh
berth_ensure_packages docker.io
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/images/ImagesBench -c Release -v q -nologo -clp:ErrorsOnly
exec bench/images/ImagesBench/bin/Release/net10.0/ImagesBench "$@"
