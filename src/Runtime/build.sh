#!/usr/bin/env bash
# Builds berth-runtime into <outdir>: the C init (static) and the NativeAOT front end.
# Called by ./build.sh; usable alone: src/Runtime/build.sh out
set -euo pipefail
out=$(realpath -m "${1:?usage: src/Runtime/build.sh <outdir>}")
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
make -s -C "$here/Init" OUT="$out"
# NativeAOT links with clang by default; gcc works too when clang is missing.
linker=()
command -v clang >/dev/null || linker=(-p:CppCompilerAndLinker=gcc)
dotnet publish "$here/Berth.Runtime.Cli/Berth.Runtime.Cli.csproj" -c Release -r linux-x64 -o "$out/.berth-runtime-publish" \
  -v q -nologo "${linker[@]}"
install -m 0755 "$out/.berth-runtime-publish/berth-runtime" "$out/berth-runtime"
rm -rf "$out/.berth-runtime-publish"
echo "berth-runtime: built $out/berth-runtime and $out/berth-runtime-init"
