#!/bin/bash
# mk/lwip-src.sh — fetch lwIP's source from Debian's source package `lwip`
# into $CACHE/src and unpack it (Debian's patches applied) once, for the
# guests' freestanding build (mk/lwip.mk). Called by mk/deps.sh.
#
# apt's own tools with a private source list under $CACHE/src/apt: the
# system's apt configuration is neither read for sources nor changed. The
# archive's URI is taken from the system's own deb line. Quick and offline
# once $CACHE/src/lwip/.done exists.
set -euo pipefail

CACHE=${CACHE:-build/cache}
LWIP_VERSION=2.1.3
src=$CACHE/src
dir=$src/lwip

log() { printf 'deps: %s\n' "$*" >&2; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

[ -f "$dir/.done" ] && exit 0
command -v dpkg-source >/dev/null || die "dpkg-source missing (package dpkg-dev)"

# The URI of the system's main Debian archive (deb822 or one-line format).
uri=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' \
	/etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n1 || true)
if [ -z "$uri" ]; then
	uri=$(awk '$1 == "deb" && $2 !~ /^\[/ && $2 !~ /security/ { print $2; exit }' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
fi
[ -n "$uri" ] || die "cannot find the system's Debian archive URI"

apt=$src/apt
mkdir -p "$apt/lists/partial" "$apt/parts" "$src/pkg"
cat >"$apt/parts/debian-src.sources" <<X
Types: deb-src
URIs: $uri
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
X
o=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$(realpath "$apt/parts")"
   -o "Dir::State::Lists=$(realpath "$apt/lists")" -o "Debug::NoLocking=1")

dsc=$(ls "$src/pkg/lwip_$LWIP_VERSION"*.dsc 2>/dev/null | head -n1 || true)
if [ -z "$dsc" ]; then
	log "fetching Debian's lwip source package"
	apt-get -qq "${o[@]}" update >/dev/null 2>&1 || die "apt-get update (private deb-src list) failed"
	(cd "$src/pkg" && apt-get -qq "${o[@]}" source --download-only "lwip=$LWIP_VERSION*" \
		>/dev/null 2>&1) ||
	(cd "$src/pkg" && apt-get -qq "${o[@]}" source --download-only lwip >/dev/null 2>&1) ||
		die "apt-get source lwip failed"
	dsc=$(ls "$src/pkg/lwip_$LWIP_VERSION"*.dsc 2>/dev/null | head -n1 || true)
	[ -n "$dsc" ] || die "no lwip $LWIP_VERSION source package fetched"
fi
rm -rf "$dir" "$dir.tmp"
dpkg-source --no-copy -q -x "$dsc" "$dir.tmp" >/dev/null 2>&1 ||
	die "dpkg-source -x $dsc failed"
[ -f "$dir.tmp/src/core/tcp.c" ] || die "unexpected lwip source layout"
mv "$dir.tmp" "$dir"
touch "$dir/.done"
log "lwip $(basename "$dsc" .dsc) unpacked in $dir"
