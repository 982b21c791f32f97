#!/usr/bin/env bash
# Installs nginx from the Debian packages if it is not there yet, for the load-balancer test of
# chain-reliability (NginxLoadBalancerTest). Idempotent: exits 0 at once when nginx is installed.
# Needs root (or sudo without a password) and apt-get; exits non-zero with a message saying why
# otherwise. The test itself only starts nginx on a loopback port with its own config and prefix;
# this script does not enable or start the system service (the package's postinst may start it on
# port 80; we stop it again if we started it).
set -euo pipefail

find_nginx() {
  command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true
}

existing="$(find_nginx)"
if [ -n "$existing" ]; then
  echo "install-nginx: nginx already installed: $existing ($("$existing" -v 2>&1))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-nginx: cannot install nginx: apt-get not found (not a Debian-based system); install nginx by hand" >&2
  exit 2
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "install-nginx: cannot install nginx: not root and no password-less sudo" >&2
    exit 3
  fi
fi

export DEBIAN_FRONTEND=noninteractive
# Other jobs on the machine may hold the dpkg lock for a while: wait for it rather than fail.
APT=($SUDO apt-get -y -q -o DPkg::Lock::Timeout=300)
# Do not let the package start a system-wide nginx on port 80 while installing.
policy_added=""
if [ ! -e /usr/sbin/policy-rc.d ] && [ -z "$SUDO" ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_added=1
fi
cleanup() { if [ -n "$policy_added" ]; then rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT

echo "install-nginx: nginx not found; installing it from the Debian packages"
if ! "${APT[@]}" update >/tmp/install-nginx-update.log 2>&1; then
  echo "install-nginx: apt-get update failed (see /tmp/install-nginx-update.log):" >&2
  tail -5 /tmp/install-nginx-update.log >&2
  exit 4
fi
installed=""
for package in nginx-light nginx; do
  if "${APT[@]}" install --no-install-recommends "$package" >/tmp/install-nginx.log 2>&1; then
    installed="$package"
    break
  fi
  echo "install-nginx: package $package did not install; trying the next" >&2
done
if [ -z "$installed" ]; then
  echo "install-nginx: cannot install nginx: neither nginx-light nor nginx installed (see /tmp/install-nginx.log):" >&2
  tail -5 /tmp/install-nginx.log >&2
  exit 5
fi

nginx_bin="$(find_nginx)"
if [ -z "$nginx_bin" ]; then
  echo "install-nginx: package $installed installed but no nginx binary found" >&2
  exit 6
fi
echo "install-nginx: installed $installed: $nginx_bin ($("$nginx_bin" -v 2>&1))"
