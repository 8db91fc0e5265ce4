# bench/dom0.sh — what the dom0 scripts of bench/ (pool.sh, quick.sh,
# soak.sh, storm.sh) set first, sourced: the tree (LVM_ROOT), the build
# (LVM_BUILD: another build's binaries, e.g. to compare two), and a PATH
# that finds lvm's programs and Xen's tools. bash.
ROOT=${LVM_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${LVM_BUILD:-$ROOT/build}
PATH=$BUILD/bin:/usr/lib/xen-4.17/bin:$PATH

# The scripts' small figures, on lines of numbers on stdin:
# now_us: microseconds since the epoch (bash's clock, no fork);
# median; pct P: the P-quantile (0..1) interpolated between ranks, "-" of
# none; field NAME: a number member of lvm's --json output; ratio A B:
# A / B to two places ("-" when B is 0); ms_of NS: nanoseconds in ms.
now_us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
pct() { sort -n | awk -v p="$1" '{ v[NR] = $1 } END { if (!NR) { print "-"; exit } r = 1 + (NR - 1) * p; i = int(r); f = r - i; if (i >= NR) print v[NR]; else printf "%.3f\n", v[i] + f * (v[i + 1] - v[i]) }'; }
field() { sed -n "s/^ *\"$1\": *\([0-9]*\),\{0,1\}$/\1/p" | head -n1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
ms_of() { awk -v v="$1" 'BEGIN { printf "%.3f\n", v / 1e6 }'; }
