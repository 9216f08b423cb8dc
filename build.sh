#!/usr/bin/env bash
# Builds everything into out/: berthd, berth, berth-runtime (+ its init). Idempotent.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/deps.sh
berth_ensure_packages "${berth_build_packages[@]}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mkdir -p out
dotnet build Platform.sln -c Release -v q -nologo -clp:ErrorsOnly
# The shell first: berthd's publish then puts its precompiled copies of the libraries both use.
dotnet publish src/Shell/Berth.Shell.csproj -c Release -o out --no-build -v q -nologo
if [ "${BERTH_READY_TO_RUN:-1}" = 1 ]; then
  # berthd for linux-x64 with ReadyToRun code (see Berth.Host.csproj): it starts on precompiled code instead of
  # JIT-compiling every method it runs first (about 2 min of CPU once per build). BERTH_READY_TO_RUN=0 skips it
  # for quick edit-and-test loops.
  dotnet publish src/Host/Berth.Host.csproj -c Release -r linux-x64 --self-contained false -o out -v q -nologo -clp:ErrorsOnly
else
  dotnet publish src/Host/Berth.Host.csproj -c Release -o out --no-build -v q -nologo
fi
# The native runtime has its own build (NativeAOT front end + C init).
[ -x src/Runtime/build.sh ] && src/Runtime/build.sh "$PWD/out"
# berth-shim, the per-container monitor (NativeAOT).
src/Runtime/Berth.Shim/publish.sh "$PWD/out"
for f in berthd berth berth-runtime berth-runtime-init berth-shim berth-init; do
  [ -x "out/$f" ] || { echo "build.sh: out/$f is missing after the build" >&2; exit 1; }
done
# Marks a complete build, so ./berth can tell when sources changed since.
date +%s > out/.built
echo "berth: built into $PWD/out"
