#!/bin/bash
# mk/tiny-kernel.sh — the tailored kernel for `lvm build --linux --kernel`
# (make tiny-kernel; not part of make test or CI).
#
# Debian's binary package linux-source-6.1 (the source of the box's kernel,
# Debian's patches applied) is fetched with `apt-get download` into
# $CACHE/debs like mk/deps.sh does, its source tarball unpacked once under
# $OUT/src, configured as `make allnoconfig` with our fragment
# unikernel/tiny-kernel.config laid over it (KCONFIG_ALLCONFIG), and built
# out of tree in $OUT/obj at the lowest priority on two jobs (the machine's
# cores are shared). Out come $OUT/vmlinuz (bzImage), $OUT/config and
# $OUT/build-time.last (seconds of the last build from a clean object
# tree).
# Every option of the fragment must survive into the final .config: one
# the configuration dropped (an unmet dependency) is an error.
set -euo pipefail

CACHE=${CACHE:-build/cache}
OUT=${OUT:-build/tiny-kernel}
JOBS=${JOBS:-2}
PKG=linux-source-6.1
FRAG=$(realpath "$(dirname "$0")/../unikernel/tiny-kernel.config")

log() { printf 'tiny-kernel: %s\n' "$*" >&2; }
die() { printf 'tiny-kernel: error: %s\n' "$*" >&2; exit 1; }

for t in flex bison bc make gcc xz; do
	command -v $t >/dev/null || die "$t missing (make deps does not install the kernel's build tools: apt-get install flex bison bc)"
done

mkdir -p "$CACHE/debs" "$OUT"
deb=$(ls "$CACHE/debs/${PKG}_"*.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
	log "downloading $PKG"
	(cd "$CACHE/debs" && apt-get download -q "$PKG" >/dev/null 2>&1) ||
		{ apt-get update -qq >/dev/null; (cd "$CACHE/debs" && apt-get download -q "$PKG" >/dev/null); } ||
		die "apt-get download $PKG failed"
	deb=$(ls "$CACHE/debs/${PKG}_"*.deb | head -n1)
fi
ver=$(dpkg-deb -f "$deb" Version)

src=$OUT/src
if [ "$(cat "$src/.done" 2>/dev/null)" != "$ver" ]; then
	log "unpacking $PKG $ver"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$src.tmp" --strip-components=1
	[ -f "$src.tmp/Makefile" ] || die "unexpected $PKG layout"
	echo "$ver" >"$src.tmp/.done"
	mv "$src.tmp" "$src"
	rm -rf "$OUT/obj"
fi

obj=$OUT/obj
mkdir -p "$obj"
kmake() { nice -n 19 make -s -C "$src" O="$(realpath "$obj")" ARCH=x86_64 "$@"; }

# Configure afresh when the fragment changed (or never configured).
if ! cmp -s "$FRAG" "$obj/.fragment" 2>/dev/null; then
	log "configuring (allnoconfig + $(basename "$FRAG"))"
	kmake KCONFIG_ALLCONFIG="$FRAG" allnoconfig >/dev/null
	bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=n) want="# ${line%=n} is not set" ;;
		CONFIG_*=*) want=$line ;;
		*) continue ;;
		esac
		grep -qxF "$want" "$obj/.config" || { log "not in the final .config: $line"; bad=1; }
	done <"$FRAG"
	[ $bad -eq 0 ] || die "the configuration dropped options of $(basename "$FRAG")"
	cp "$FRAG" "$obj/.fragment"
fi

# Only a build from a clean object tree (no vmlinux yet) is recorded in
# build-time.last; an incremental one leaves it as it was.
clean=1
[ -e "$obj/vmlinux" ] && clean=0
log "building with nice -n 19 make -j$JOBS (some minutes)"
t0=$(date +%s)
kmake -j"$JOBS" bzImage
t1=$(date +%s)
cp "$obj/arch/x86/boot/bzImage" "$OUT/vmlinuz.tmp" && mv "$OUT/vmlinuz.tmp" "$OUT/vmlinuz"
cp "$obj/.config" "$OUT/config"
[ $clean -eq 1 ] && echo $((t1 - t0)) >"$OUT/build-time.last"
log "ok: $OUT/vmlinuz, $(stat -c %s "$OUT/vmlinuz") bytes, $([ $clean -eq 1 ] && echo "built from clean" || echo "rebuilt incrementally (build-time.last kept)") in $((t1 - t0)) s"
