#!/bin/sh
# toolstack/scripts/install.sh — `make install`: lvm's programs, library and
# header under $DESTDIR$PREFIX (default /usr/local).
#
#   bin/lightvm        the lvm command
#   bin/lvm            a link to it, made ONLY when no other `lvm` exists:
#                      LVM2 installs /sbin/lvm, and lvm must not shadow or
#                      replace it. Otherwise we say how to call ours.
#   sbin/lvmd          the daemon
#   bin/lightvm-oci    the OCI runtime (docs/oci.md)
#   lib/liblvm.so.0    the library (+ liblvm.so, liblvm.a)
#   include/lvm.h      its API
set -eu
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
BUILD=${BUILD:-build}
root=$DESTDIR$PREFIX

for f in "$BUILD/bin/lvm" "$BUILD/bin/lvmd" "$BUILD/bin/lightvm-oci" "$BUILD/lib/liblvm.so" \
	"$BUILD/lib/liblvm.a"; do
	[ -f "$f" ] || { echo "install: $f is missing: run make first" >&2; exit 1; }
done
install -d "$root/bin" "$root/sbin" "$root/lib" "$root/include"
install -m 755 "$BUILD/bin/lvm" "$root/bin/lightvm"
install -m 755 "$BUILD/bin/lvmd" "$root/sbin/lvmd"
install -m 755 "$BUILD/bin/lightvm-oci" "$root/bin/lightvm-oci"
install -m 755 "$BUILD/lib/liblvm.so" "$root/lib/liblvm.so.0"
ln -sf liblvm.so.0 "$root/lib/liblvm.so"
install -m 644 "$BUILD/lib/liblvm.a" "$root/lib/liblvm.a"
install -m 644 toolstack/include/lvm.h "$root/include/lvm.h"
echo "installed $root/bin/lightvm, $root/bin/lightvm-oci, $root/sbin/lvmd, $root/lib/liblvm.so.0, $root/include/lvm.h"

# Is there an lvm that is not ours? On PATH, in the usual system places, or
# already at the place the link would go.
ours() { [ "$(readlink -f "$1" 2>/dev/null)" = "$(readlink -f "$root/bin/lightvm")" ]; }
other=
for p in "$(command -v lvm 2>/dev/null || true)" /sbin/lvm /usr/sbin/lvm \
	/bin/lvm /usr/bin/lvm /usr/local/sbin/lvm "$root/bin/lvm"; do
	[ -n "$p" ] && [ -e "$p" ] && ! ours "$p" && { other=$p; break; }
done
if [ -n "$other" ]; then
	echo "not linking $root/bin/lvm: $other exists (LVM2's lvm?) and must not be shadowed."
	echo "call this toolstack as 'lightvm' (e.g. 'lightvm list'), or alias it: alias lvm=lightvm"
else
	ln -sf lightvm "$root/bin/lvm"
	echo "linked $root/bin/lvm -> lightvm"
fi
