#!/usr/bin/env bash
# Publishes berth-shim as a NativeAOT executable into <outdir> (called by ./build.sh).
set -euo pipefail
out="${1:?usage: publish.sh <outdir>}"
here="$(cd "$(dirname "$0")" && pwd)"
dotnet publish "$here/Berth.Shim.csproj" -c Release -r linux-x64 -o "$out" -v q -nologo -p:DebugType=none
