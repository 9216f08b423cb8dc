# Debian packages berth needs, installed once when missing (sourced by build.sh and test.sh).
# One list, one apt-get update, one install.
# procps: berthd runs the host's ps for docker top.
berth_build_packages=(gcc make libc6-dev libseccomp-dev zlib1g-dev clang busybox-static runc procps)
berth_test_packages=(postgresql iproute2 tmux skopeo umoci docker.io)

berth_ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "berth: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
    return 1
  fi
  echo "berth: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Packages such as docker.io and postgresql start system services on install; berth starts its own private
  # instances, so forbid service starts for the install (a system dockerd would add bridges and firewall rules).
  local policy=/usr/sbin/policy-rc.d placed=0 rc=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && placed=1; fi
  apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || rc=$?
  [ "$placed" = 1 ] && rm -f "$policy"
  return $rc
}
