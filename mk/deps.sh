#!/bin/bash
# mk/deps.sh — install what the project needs, from Debian's packages only.
#
# 1. Host packages (compiler, Xen headers and tools, cmocka, QEMU, busybox…)
#    through apt-get; `apt-get update` runs only when something is missing.
# 2. The packages the box boots (the Xen hypervisor and the dom0 kernel) are
#    fetched with `apt-get download` into $CACHE/debs and unpacked under
#    $CACHE/unpacked, without installing them on the host. The dom0 kernel's
#    versioned package is found through the linux-image-amd64 metapackage.
# 3. lwIP's source (Debian's source package `lwip`) for the networked
#    guests, fetched and unpacked under $CACHE/src by mk/lwip-src.sh.
# 4. With CONTAINERS=1 (make deps CONTAINERS=1, and make bench), the same for
#    Docker, containerd and runc, which the box carries with --containers;
#    $CACHE/containers.env records where they are unpacked. The shared
#    libraries those packages depend on (libdevmapper1.02.1, libsystemd0,
#    libseccomp2: read from the packages' Depends) are installed on the host,
#    where the box's layer copies them from; a fresh Debian 12 lacks some.
#
# Quick when nothing is missing: no network, no apt lock.
set -euo pipefail

CACHE=${CACHE:-build/cache}
CONTAINERS=${CONTAINERS:-0}
# Unpacked for the box's dom0 with CONTAINERS=1, never installed on the host.
# Their libraries (libdevmapper, libseccomp, libsystemd) come from the host,
# which gets them installed (step 4).
CONTAINER_PKGS=(docker.io containerd runc)
HOST_PKGS=(gcc make pkg-config libc6-dev
	libxen-dev xen-utils-4.17 xenstore-utils
	libcmocka-dev libelf-dev libjson-c-dev clang libclang-rt-dev
	qemu-system-x86 busybox-static cpio gzip kmod
	gnuplot-nox cscope dpkg-dev nettle-dev zlib1g-dev liblzma-dev xz-utils
	libnl-3-dev libnl-route-3-dev curl
	lighttpd)

log() { printf 'deps: %s\n' "$*" >&2; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || die "not root and no sudo: cannot install packages"
	SUDO=sudo
fi

# not_installed PKG...: those of PKG... dpkg does not have installed.
not_installed() {
	local p st
	for p in "$@"; do
		st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
		[ "$st" = installed ] || echo "$p"
	done
}
mapfile -t missing < <(not_installed "${HOST_PKGS[@]}")

updated=0
apt_update() {
	[ $updated -eq 1 ] && return 0
	log "apt-get update"
	$SUDO apt-get update -qq >/dev/null
	updated=1
}

if [ ${#missing[@]} -gt 0 ]; then
	apt_update
	log "installing ${missing[*]}"
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$CACHE/debs" "$CACHE/unpacked"

# fetch_deb PKG: download PKG's .deb into the cache unless already there,
# unpack it once. Prints the unpack directory.
fetch_deb() {
	local pkg=$1 deb dir
	deb=$(ls "$CACHE/debs/${pkg}_"*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		apt-cache show "$pkg" >/dev/null 2>&1 || apt_update
		log "downloading $pkg"
		(cd "$CACHE/debs" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
			{ apt_update; (cd "$CACHE/debs" && apt-get download -q "$pkg" >/dev/null); } ||
			die "apt-get download $pkg failed"
		deb=$(ls "$CACHE/debs/${pkg}_"*.deb | head -n1)
	fi
	dir="$CACHE/unpacked/$(basename "$deb" .deb)"
	if [ ! -f "$dir/.done" ]; then
		rm -rf "$dir"
		dpkg-deb -x "$deb" "$dir"
		touch "$dir/.done"
	fi
	echo "$dir"
}

# The dom0 kernel: whatever versioned package linux-image-amd64 depends on
# today. Looked up each time apt knows it; the cached choice is kept when the
# lists are gone.
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
if [ -z "$kpkg" ]; then
	apt_update
	kpkg=$(apt-cache depends linux-image-amd64 |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
fi
[ -n "$kpkg" ] || die "cannot find the kernel package linux-image-amd64 depends on"

xendir=$(fetch_deb xen-hypervisor-4.17-amd64)
kdir=$(fetch_deb "$kpkg")

# Record what the box boots, for tests/xenbox/xenbox.
{
	echo "XEN_GZ=$(ls "$xendir"/boot/xen-4.17-amd64.gz)"
	echo "KERNEL=$(ls "$kdir"/boot/vmlinuz-*)"
	echo "MODULES=$(ls -d "$kdir"/lib/modules/*)"
} >"$CACHE/box.env.tmp"
if ! cmp -s "$CACHE/box.env.tmp" "$CACHE/box.env" 2>/dev/null; then
	mv "$CACHE/box.env.tmp" "$CACHE/box.env"
else
	rm -f "$CACHE/box.env.tmp"
fi

CACHE="$CACHE" bash "$(dirname "$0")/lwip-src.sh"

if [ "$CONTAINERS" = 1 ]; then
	dirs=()
	libpkgs=()
	for p in "${CONTAINER_PKGS[@]}"; do
		dirs+=("$(fetch_deb "$p")")
		# The shared libraries it depends on (lib*, libc6 aside: the host
		# has that), installed on the host for the box's layer to copy.
		deb=$(ls "$CACHE/debs/${p}_"*.deb | head -n1)
		mapfile -t -O ${#libpkgs[@]} libpkgs < <(dpkg-deb -f "$deb" Depends |
			tr ',|' '\n\n' | awk '{ print $1 }' | grep -E '^lib' | grep -vx 'libc6')
	done
	mapfile -t missing < <(not_installed "${libpkgs[@]}")
	if [ ${#missing[@]} -gt 0 ]; then
		apt_update
		log "installing ${missing[*]} (for Docker, containerd and runc in the box)"
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends "${missing[@]}" >/dev/null
	fi
	echo "CONTAINER_ROOTS=\"${dirs[*]}\"" >"$CACHE/containers.env.tmp"
	if ! cmp -s "$CACHE/containers.env.tmp" "$CACHE/containers.env" 2>/dev/null; then
		mv "$CACHE/containers.env.tmp" "$CACHE/containers.env"
	else
		rm -f "$CACHE/containers.env.tmp"
	fi
fi
log "ok ($kpkg, $(basename "$xendir")$([ "$CONTAINERS" = 1 ] && echo ', containers'))"
