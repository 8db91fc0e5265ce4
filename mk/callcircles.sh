#!/bin/bash
# mk/callcircles.sh — the check that no C file calls, directly or around a
# circle, a file that calls back into it (`make check-calls`).
#
#   mk/callcircles.sh DIR...
#
# Builds the file-level call graph of the .c and .h files under the DIRs
# from cscope's cross-reference (cscope -b -c: one line a symbol, marked `$`
# for a function definition and a backquote for a call):
#   - each function definition belongs to the file that holds it;
#   - a call inside a function is an edge from the caller's file to the file
#     defining the callee; calls within one file are not edges;
#   - a static function is seen only from its own file (or, in a header,
#     from the files that include it), so two static functions of the same
#     name in two files are never confused; when several files define a
#     callee of that name for everyone, the one nearest the caller (most
#     leading directories in common) is taken, and a tie is said on stderr;
#   - main() is each program's entry: a call to it is no edge;
#   - calls to functions defined outside the DIRs (libc, Xen) are no edges.
# Not seen: calls made by macros (a macro's body is not a function) and
# calls through function pointers (cscope records no callee for them).
#
# Every edge that lies on a circle is shown in one circle at least, each
# circle as `a.c -> b.c -> a.c` followed by one call per edge as evidence.
# Exit status: 0 no circle, 1 circles found, 2 the check could not run.
set -euo pipefail

die() { printf 'callcircles: error: %s\n' "$*" >&2; exit 2; }

[ $# -gt 0 ] || die "usage: $0 DIR..."
command -v cscope >/dev/null || die "cscope not found (Debian package cscope; make deps installs it)"
for d in "$@"; do
	[ -d "$d" ] || die "$d: not a directory"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

find "$@" -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort -u >"$tmp/files"
[ -s "$tmp/files" ] || die "no C file under $*"
# cscope takes a prototype followed by __attribute__((format(...))) for a
# function definition (and the attribute's words for calls): it reads
# copies with the attributes blanked, line numbers kept, under the same
# relative names.
while IFS= read -r f; do
	mkdir -p "$tmp/src/$(dirname "$f")"
	sed -E 's/__attribute__ *\(\(([^()]|\([^()]*\))*\)\)//g' "$f" >"$tmp/src/$f"
done <"$tmp/files"
# -k: no system include directory; -c: the cross-reference uncompressed.
(cd "$tmp/src" && cscope -b -c -k -u -i ../files -f ../xref) 2>"$tmp/err" ||
	die "cscope failed: $(head -n 3 "$tmp/err")"

LC_ALL=C awk '
# Pass 1: the cross-reference, one source line a record. A record starts
# with "LINE text", its symbols follow one a line; a marked symbol starts
# with a tab and a mark (@ file, $ function, ` call, } function end).
function flush_text() { prevtext = text; text = "" }
/^\t@/ {
	file = substr($0, 3)
	if (file == "") exit            # the trailer follows
	fn = ""; text = ""; prevtext = ""
	next
}
/^[0-9]+ / { flush_text(); line = $1; text = substr($0, index($0, " ")); next }
/^\t\$/ {
	name = substr($0, 3)
	fn = name; fnline = line
	# static: said on this line, or on the line before when the name
	# starts its line (a return type on its own line).
	st = (text ~ /(^|[^A-Za-z0-9_])static([^A-Za-z0-9_]|$)/)
	if (text ~ /^[ \t]*$/ && prevtext ~ /(^|[^A-Za-z0-9_])static([^A-Za-z0-9_]|$)/) st = 1
	ndef[name]++
	deffile[name, ndef[name]] = file
	# A static function of a header is seen by every file including it.
	defglobal[name, ndef[name]] = (!st || file ~ /\.h$/)
	infile[name, file] = 1
	next
}
/^\t}/ { fn = ""; next }
/^\t`/ {
	if (fn == "") next              # a call in a macro or an initializer
	ncall++
	cfile[ncall] = file; cfn[ncall] = fn; cname[ncall] = substr($0, 3)
	cline[ncall] = line
	next
}
/^\t/ { next }
{ text = text $0 }

# common_len(a, b): how many leading directories paths a and b share.
function common_len(a, b,    pa, pb, na, nb, n) {
	na = split(a, pa, "/"); nb = split(b, pb, "/")
	n = 0
	while (n < na - 1 && n < nb - 1 && pa[n + 1] == pb[n + 1]) n++
	return n
}

END {
	nnodes = 0
	for (i = 1; i <= ncall; i++) {
		f = cfile[i]; c = cname[i]
		if (!(c in ndef) || ((c, f) in infile) || c == "main") continue
		best = -1; nbest = 0
		for (k = 1; k <= ndef[c]; k++) {
			if (!defglobal[c, k]) continue
			l = common_len(f, deffile[c, k])
			if (l > best) { best = l; nbest = 0 }
			if (l == best) pick[++nbest] = deffile[c, k]
		}
		if (nbest > 1 && !((f, c) in warned)) {
			warned[f, c] = 1
			printf "callcircles: %s:%d: %s() is defined in %d files alike; taking each\n", f, cline[i], c, nbest > "/dev/stderr"
		}
		for (k = 1; k <= nbest; k++) {
			g = pick[k]
			if ((f, g) in why) continue
			why[f, g] = sprintf("%s:%d %s() calls %s()", f, cline[i], cfn[i], c)
			if (!(f in nout)) { nout[f] = 0; node[++nnodes] = f }
			if (!(g in nout)) { nout[g] = 0; node[++nnodes] = g }
			out[f, ++nout[f]] = g
		}
	}
	# Edge u -> v lies on a circle when v reaches u. Edges are taken in
	# the order of the files, each shown once: a shortest way back v..u
	# closes its circle, and every edge of that circle counts as shown.
	sortnodes()
	found = 0
	for (a = 1; a <= nnodes; a++) {
		u = sorted[a]
		for (j = 1; j <= nout[u]; j++) {
			v = out[u, j]
			if ((u, v) in shown) continue
			if (!path(v, u)) continue
			found++
			s = u
			for (k = 1; k <= plen; k++) s = s " -> " pth[k]
			printf "circle %d: %s\n", found, s
			prev = u
			for (k = 1; k <= plen; k++) {
				shown[prev, pth[k]] = 1
				printf "    %s\n", why[prev, pth[k]]
				prev = pth[k]
			}
		}
	}
	if (found) {
		printf "%d circle(s) among the files of the call graph\n", found
		exit 1
	}
}

# sortnodes(): sorted[1..nnodes], the files in byte order (insertion sort).
function sortnodes(    i, j, t) {
	for (i = 1; i <= nnodes; i++) sorted[i] = node[i]
	for (i = 2; i <= nnodes; i++) {
		t = sorted[i]
		for (j = i - 1; j >= 1 && sorted[j] > t; j--) sorted[j + 1] = sorted[j]
		sorted[j + 1] = t
	}
}

# path(from, to): a shortest way from -> ... -> to, breadth first; sets
# pth[1..plen] (from, ..., to) and returns 1, or returns 0 when there is none.
function path(from, to,    head, tail, x, j, y, n) {
	split("", seen); split("", parent); split("", queue)
	head = 1; tail = 0
	queue[++tail] = from; seen[from] = 1
	while (head <= tail) {
		x = queue[head++]
		if (x == to) {
			n = 0
			for (y = to; y != from; y = parent[y]) rev[++n] = y
			rev[++n] = from
			plen = n
			for (j = 1; j <= n; j++) pth[j] = rev[n + 1 - j]
			return 1
		}
		for (j = 1; j <= nout[x]; j++) {
			y = out[x, j]
			if (y in seen) continue
			seen[y] = 1; parent[y] = x
			queue[++tail] = y
		}
	}
	return 0
}
' "$tmp/xref"
