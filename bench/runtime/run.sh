#!/usr/bin/env bash
# Start-to-exit time of `run` for a container whose process is `true`: berth-runtime, runc and
# crun side by side in the same run, same bundle (busybox rootfs, runc's default config).
# Usage: bench/runtime/run.sh [runs]   (default 60; needs root and a built out/berth-runtime)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-60}
export DEBIAN_FRONTEND=noninteractive
need=()
for p in hyperfine runc crun busybox-static time python3; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; fi
berth=$PWD/out/berth-runtime
[ -x "$berth" ] || { echo "out/berth-runtime missing: run ./build.sh first" >&2; exit 1; }

work=$(mktemp -d /tmp/berth-bench-XXXXXX)
cleanup() {
  for id in bench-berth bench-runc; do
    "$berth" --root "$work/berth" delete --force "$id" 2>/dev/null || true
    runc --root "$work/runc" delete --force "$id" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# Bundle: static busybox rootfs, `runc spec` defaults, no terminal, process `true`.
mkdir -p "$work/bundle/rootfs/bin" "$work/bundle/rootfs/etc"
cp /bin/busybox "$work/bundle/rootfs/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$work/bundle/rootfs/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$work/bundle/rootfs/etc/passwd"
(cd "$work/bundle" && runc spec)
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["true"]
c["root"]["readonly"] = False
c["linux"]["cgroupsPath"] = "/berth-bench/ctr"
json.dump(c, open(p, "w"), indent=1)
PY

b=$work/bundle
hyperfine -N -w 5 -r "$runs" --export-json "$work/host.json" \
  -n berth-runtime "$berth --root $work/berth run -b $b bench-berth" \
  -n runc "runc --root $work/runc run -b $b bench-runc" \
  -n "fork+exec true" "true" >/dev/null
# crun 1.8 refuses the hybrid layout: run it in a private mount namespace without the cgroup2 mount.
unshare -m --propagation private sh -c "umount /sys/fs/cgroup/unified 2>/dev/null || true; \
  hyperfine -N -w 5 -r $runs --export-json $work/crun.json -n crun 'crun --root $work/crun run -b $b bench-crun' >/dev/null"

rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
rss_berth=$(rss "$berth" --root "$work/berth" run -b "$b" bench-berth)
rss_runc=$(rss runc --root "$work/runc" run -b "$b" bench-runc)
rss_crun=$(unshare -m --propagation private sh -c "umount /sys/fs/cgroup/unified 2>/dev/null || true; /usr/bin/time -f %M crun --root $work/crun run -b $b bench-crun 2>&1 >/dev/null | tail -1")
rmdir /sys/fs/cgroup/*/berth-bench /sys/fs/cgroup/*/berth-bench/ctr 2>/dev/null || true

python3 - "$work/host.json" "$work/crun.json" "$rss_berth" "$rss_runc" "$rss_crun" "$runs" <<'PY'
import json, sys
res = {r["command"]: r for f in sys.argv[1:3] for r in json.load(open(f))["results"]}
med = {k: v["median"] * 1000 for k, v in res.items()}
rss = {"berth-runtime": sys.argv[3], "runc": sys.argv[4], "crun": sys.argv[5]}
print(f"runs per command: {sys.argv[6]}")
# CPU time (user+sys, children included) is less sensitive to a busy machine than wall time.
print(f"| runtime | median (ms) | min (ms) | mean CPU user+sys (ms) | peak RSS of the runtime process (KB) |")
print(f"|---|---|---|---|---|")
for k in ["berth-runtime", "runc", "crun", "fork+exec true"]:
    cpu = (res[k]["user"] + res[k]["system"]) * 1000
    print(f"| {k} | {med[k]:.2f} | {res[k]['min']*1000:.2f} | {cpu:.2f} | {rss.get(k, '-')} |")
print(f"berth-runtime/runc = {med['berth-runtime']/med['runc']:.2f}")
print(f"berth-runtime/crun = {med['berth-runtime']/med['crun']:.2f}")
PY
