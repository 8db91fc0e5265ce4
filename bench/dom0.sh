# bench/dom0.sh — what the dom0 scripts of bench/ (pool.sh, quick.sh,
# soak.sh, storm.sh) set first, sourced: the tree (LVM_ROOT), the build
# (LVM_BUILD: another build's binaries, e.g. to compare two), and a PATH
# that finds lvm's programs and Xen's tools. bash.
ROOT=${LVM_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${LVM_BUILD:-$ROOT/build}
PATH=$BUILD/bin:/usr/lib/xen-4.17/bin:$PATH
