#!/usr/bin/env bash
# Installs, updates or removes the SolarHub gateway on Raspberry Pi OS / Debian.
#
#   sudo ./install-gateway.sh install   [--tarball FILE]   Node.js (if missing), the gateway, its user and service
#   sudo ./install-gateway.sh update    [--tarball FILE]   a new release; keeps config and buffer; restarts the service
#   sudo ./install-gateway.sh uninstall [--purge]          removes the gateway and service; --purge also the
#                                                          configuration, the buffer and the user
#
# Options:
#   --tarball FILE   the release (from `npm run pack:gateway`); default: the
#                    release this script was unpacked from
#   --root DIR       install under DIR instead of / (for trying it out)
#   --dry-run        print the system commands (apt-get, useradd, systemctl, chown)
#                    instead of running them; files are still written under --root
#   --skip-node      do not install Node.js
#
# Configuration is left to `solarhub-gateway init` (see the README).
set -euo pipefail

NODE_MAJOR_MIN=20
NODE_MAJOR_INSTALL=22
SERVICE=solarhub-gateway
SERVICE_USER=solarhub

mode=install
tarball=""
root=""
dry_run=0
skip_node=0
purge=0

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
die() { printf 'error: %s\n' "$1" >&2; [ $# -gt 1 ] && printf 'hint: %s\n' "$2" >&2; exit 1; }
say() { printf '==> %s\n' "$*"; }

while [ $# -gt 0 ]; do
  case "$1" in
    install | update | uninstall) mode=$1 ;;
    --tarball) [ $# -ge 2 ] || die "--tarball needs a file"; tarball=$2; shift ;;
    --root) [ $# -ge 2 ] || die "--root needs a directory"; root=${2%/}; shift ;;
    --dry-run) dry_run=1 ;;
    --skip-node) skip_node=1 ;;
    --purge) purge=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done

opt_dir="$root/opt/solarhub-gateway"
bin_link="$root/usr/bin/solarhub-gateway"
unit_file="$root/etc/systemd/system/$SERVICE.service"
config_dir="$root/etc/solarhub"
state_dir="$root/var/lib/solarhub-gateway"

# System commands: run them, or only print them with --dry-run.
sys() {
  if [ "$dry_run" -eq 1 ]; then
    printf '+ %s\n' "$*"
  else
    "$@"
  fi
}

need_root() {
  if [ "$dry_run" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
    die "run me as root" "sudo $0 $mode"
  fi
}

node_major() {
  command -v node >/dev/null 2>&1 || { echo 0; return; }
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

install_node() {
  local have
  have=$(node_major)
  if [ "$have" -ge "$NODE_MAJOR_MIN" ]; then
    say "Node.js $(node --version) is installed"
    return
  fi
  [ "$skip_node" -eq 1 ] && die "Node.js $NODE_MAJOR_MIN or later is needed (found: $have)" "install it, or leave out --skip-node"
  say "installing Node.js $NODE_MAJOR_INSTALL (found: ${have/#0/none})"
  local candidate
  candidate=$(apt-cache policy nodejs 2>/dev/null | sed -n 's/^ *Candidate: \([0-9]*\).*/\1/p' | head -1)
  if [ -n "$candidate" ] && [ "$candidate" -ge "$NODE_MAJOR_MIN" ] 2>/dev/null; then
    sys apt-get install -y nodejs
    return
  fi
  # Debian 12 / Raspberry Pi OS 12 ship Node.js 18: use NodeSource's repository.
  sys apt-get update
  sys apt-get install -y ca-certificates curl gnupg
  sys mkdir -p /etc/apt/keyrings
  if [ "$dry_run" -eq 1 ]; then
    printf '+ %s\n' "curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor -o /etc/apt/keyrings/nodesource.gpg"
    printf '+ %s\n' "echo 'deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_$NODE_MAJOR_INSTALL.x nodistro main' > /etc/apt/sources.list.d/nodesource.list"
  else
    curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor --yes -o /etc/apt/keyrings/nodesource.gpg
    echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_$NODE_MAJOR_INSTALL.x nodistro main" >/etc/apt/sources.list.d/nodesource.list
  fi
  sys apt-get update
  sys apt-get install -y nodejs
}

create_user() {
  if id "$SERVICE_USER" >/dev/null 2>&1; then
    say "user $SERVICE_USER exists"
    sys usermod -aG dialout "$SERVICE_USER"
  else
    say "creating the system user $SERVICE_USER (in group dialout, for serial ports)"
    sys useradd --system --user-group --groups dialout --home-dir /var/lib/solarhub-gateway --no-create-home --shell /usr/sbin/nologin "$SERVICE_USER"
  fi
}

find_tarball() {
  if [ -n "$tarball" ]; then
    [ -f "$tarball" ] || die "no such file: $tarball"
    return
  fi
  # Run from an unpacked release: pack it from there.
  local here
  here=$(cd "$(dirname "$0")" && pwd)
  if [ -f "$here/BUILD-INFO" ] && [ -f "$here/gateway/dist/main.js" ]; then
    tarball="$here"
    return
  fi
  die "which release? give --tarball solarhub-gateway-VERSION-linux-ARCH.tar.gz" "build one with \`npm run pack:gateway\` in a checkout"
}

# Unpacks the release into $opt_dir/releases/VERSION; prints that directory.
unpack_release() {
  local tmp version dest
  tmp=$(mktemp -d)
  if [ -d "$tarball" ]; then
    cp -a "$tarball" "$tmp/solarhub-gateway"
  else
    tar -xzf "$tarball" -C "$tmp"
  fi
  [ -f "$tmp/solarhub-gateway/BUILD-INFO" ] || die "$tarball is not a gateway release (no BUILD-INFO)"
  version=$(sed -n 's/^version=//p' "$tmp/solarhub-gateway/BUILD-INFO")
  dest="$opt_dir/releases/$version"
  mkdir -p "$opt_dir/releases"
  rm -rf "$dest"
  mv "$tmp/solarhub-gateway" "$dest"
  rmdir "$tmp"
  printf '%s\n' "$dest"
}

# Native modules are built for the machine that packed the release: rebuild them when this one differs.
check_native() {
  local dest=$1 arch abi want_arch want_abi
  want_arch=$(sed -n 's/^arch=//p' "$dest/BUILD-INFO")
  want_abi=$(sed -n 's/^node_abi=//p' "$dest/BUILD-INFO")
  arch=$(node -p process.arch 2>/dev/null || echo unknown)
  abi=$(node -p process.versions.modules 2>/dev/null || echo unknown)
  if [ "$arch" = "$want_arch" ] && [ "$abi" = "$want_abi" ]; then
    return
  fi
  say "the release was built for $want_arch (Node ABI $want_abi), this is $arch (ABI $abi): rebuilding native modules"
  if [ "$dry_run" -eq 1 ]; then
    printf '+ %s\n' "(cd $dest && npm rebuild better-sqlite3 @serialport/bindings-cpp)"
  else
    (cd "$dest" && npm rebuild better-sqlite3 @serialport/bindings-cpp) ||
      die "rebuilding the native modules failed" "install build tools (sudo apt-get install -y build-essential python3) and run the installer again, or pack the release on a machine of this kind"
  fi
}

install_files() {
  local dest=$1
  say "installing $(basename "$dest") into $opt_dir"
  ln -sfn "releases/$(basename "$dest")" "$opt_dir/current"
  mkdir -p "$(dirname "$bin_link")"
  ln -sfn "/opt/solarhub-gateway/current/gateway/dist/main.js" "$bin_link"
  mkdir -p "$(dirname "$unit_file")"
  install -m 0644 "$dest/systemd/$SERVICE.service" "$unit_file"
  mkdir -p "$config_dir" "$state_dir"
  chmod 0750 "$config_dir" "$state_dir"
  sys chown "root:$SERVICE_USER" "$config_dir"
  sys chown "$SERVICE_USER:$SERVICE_USER" "$state_dir"
  # Keep the two newest releases (the current one and the one before, for a rollback).
  local old
  find "$opt_dir/releases" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %f\n' | sort -rn | tail -n +3 | cut -d' ' -f2- |
    while IFS= read -r old; do
      [ "$opt_dir/releases/$old" = "$dest" ] || rm -rf "${opt_dir:?}/releases/$old"
    done
}

do_install() {
  need_root
  find_tarball
  install_node
  create_user
  local dest
  dest=$(unpack_release)
  check_native "$dest"
  install_files "$dest"
  sys systemctl daemon-reload
  sys systemctl enable "$SERVICE"
  if [ -f "$config_dir/gateway.json" ]; then
    sys systemctl restart "$SERVICE"
    say "done: the service runs; follow it with: journalctl -u $SERVICE -f"
  else
    say "done. Next: connect the gateway to the cloud and start it:"
    printf '    sudo solarhub-gateway init --cloud https://YOUR-CLOUD --claim-code CODE\n'
    printf '    sudo solarhub-gateway scan --host 192.168.1.50 --add     (or --serial /dev/ttyUSB0)\n'
    printf '    sudo systemctl start %s\n' "$SERVICE"
  fi
}

do_update() {
  need_root
  find_tarball
  [ -e "$opt_dir/current" ] || die "the gateway is not installed here" "use: $0 install"
  local dest
  dest=$(unpack_release)
  check_native "$dest"
  install_files "$dest"
  sys systemctl daemon-reload
  if [ -f "$config_dir/gateway.json" ]; then sys systemctl restart "$SERVICE"; fi
  say "updated to $(basename "$dest"); configuration and buffered readings kept"
}

do_uninstall() {
  need_root
  sys systemctl disable --now "$SERVICE" || true
  rm -f "$unit_file" "$bin_link"
  rm -rf "$opt_dir"
  sys systemctl daemon-reload
  if [ "$purge" -eq 1 ]; then
    say "removing the configuration, the buffer (readings not yet synced are lost) and the user"
    rm -rf "$config_dir" "$state_dir"
    if id "$SERVICE_USER" >/dev/null 2>&1; then sys userdel "$SERVICE_USER"; fi
  else
    say "kept $config_dir and $state_dir (remove them with --purge)"
  fi
  say "uninstalled"
}

case "$mode" in
  install) do_install ;;
  update) do_update ;;
  uninstall) do_uninstall ;;
esac
