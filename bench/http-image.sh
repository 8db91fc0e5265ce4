#!/bin/bash
# bench/http-image.sh OUT.tar — the Docker image bench/http.sh compares the
# lighttpd VM (guests/lighttpd) with, as a root file system tar for
# `docker import` (the box has no registry), made on this host from the
# same Debian packages: lighttpd and every package it depends on,
# recursively (Depends and Pre-Depends; of alternatives, the smallest
# installed one), each with all the files dpkg lists for it, plus the
# VM's own tree (guests/lighttpd/root: the configuration and the page).
# The packages that only start lighttpd as a system service (its init
# script's and systemd's glue: systemd-sysv, lsb-base,
# init-system-helpers), which a container never runs, are left out
# unless FULL=1: the image as small as these packages allow. Owner root,
# time 0. Prints the packages and the tar's size, and its size xz'd as
# lvm build --linux compresses an initramfs (x86 filter, LZMA2 preset 6,
# a dictionary of its size, CRC32), for a comparison of like with like
# (the box has no xz).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: bench/http-image.sh OUT.tar}
installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }
installed lighttpd || { echo "http-image: lighttpd is not installed (make deps)" >&2; exit 1; }

# What only starts lighttpd as a system service (its init script's and
# systemd's glue), which a container never uses: left out unless
# FULL=1, so that the image is as small as these packages allow.
SKIP="systemd-sysv lsb-base init-system-helpers"
[ "${FULL:-0}" = 1 ] && SKIP=
# The dependency closure, breadth first.
declare -A seen=()
queue=(lighttpd) pkgs=()
while [ ${#queue[@]} -gt 0 ]; do
	p=${queue[0]} queue=("${queue[@]:1}")
	[ -n "${seen[$p]:-}" ] && continue
	seen[$p]=1 pkgs+=("$p")
	deps=$(dpkg-query -W -f='${Depends}, ${Pre-Depends}' "$p")
	IFS=, read -ra groups <<<"$deps"
	for g in "${groups[@]}"; do
		# Of alternatives, the smallest installed one.
		best= bsize=
		IFS='|' read -ra alts <<<"$g"
		for a in "${alts[@]}"; do
			a=$(sed 's/([^)]*)//g; s/:any//; s/ //g' <<<"$a")
			[ -n "$a" ] && installed "$a" || continue
			case " $SKIP " in *" $a "*) continue ;; esac
			sz=$(dpkg-query -W -f='${Installed-Size}' "$a")
			if [ -z "$best" ] || [ "${sz:-0}" -lt "$bsize" ]; then best=$a bsize=${sz:-0}; fi
		done
		[ -n "$best" ] && queue+=("$best")
	done
done

# The packages' paths, as they are on this host: where /bin, /sbin, /lib
# and /lib64 are links into /usr (merged /usr), their files are named
# under /usr and the links are added as links.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
merged=()
sedargs=()
for d in bin sbin lib lib64; do
	if [ -L "/$d" ]; then
		merged+=("$d")
		sedargs+=(-e "s|^/$d/|/usr/$d/|" -e "s|^/$d\$|/usr/$d|")
	fi
done
for p in "${pkgs[@]}"; do dpkg-query -L "$p"; done |
	sed "${sedargs[@]}" -e '/^\/\.$/d' | LC_ALL=C sort -u |
	while read -r f; do [ -e "$f" ] || [ -L "$f" ] && echo "${f#/}"; done >"$tmp/list"
mkdir -p "$tmp/extra/tmp" "$tmp/extra/proc" "$tmp/extra/sys" "$tmp/extra/dev"
chmod 1777 "$tmp/extra/tmp"
for d in "${merged[@]}"; do ln -s "usr/$d" "$tmp/extra/$d"; done
cp -r "$ROOT/guests/lighttpd/root/." "$tmp/extra/"
mkdir -p "$(dirname "$out")"
T=(--owner=0 --group=0 --numeric-owner --mtime=@0)
tar "${T[@]}" -C / --no-recursion -T "$tmp/list" -cf "$out.tmp"
# The extra entries not already there (docker import refuses a path twice).
(cd "$tmp/extra" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort) |
	LC_ALL=C comm -23 - "$tmp/list" >"$tmp/extra.list"
tar "${T[@]}" -C "$tmp/extra" --no-recursion -T "$tmp/extra.list" -rf "$out.tmp"
mv "$out.tmp" "$out"
echo "http-image: ${#pkgs[@]} packages: ${pkgs[*]}"
tsz=$(stat -c %s "$out")
echo "http-image: $out: $tsz bytes, $(wc -l <"$tmp/list") paths of the packages"
echo "http-image: xz'd as lvm build compresses an initramfs: $(xz --check=crc32 --x86 --lzma2=preset=6,dict="$tsz" -c "$out" | wc -c) bytes"
