#!/bin/bash
# limit: 600
# The benchmark harness end to end, with a few samples of everything
# (bench/run --smoke): raw samples of every system that can run here, a
# summary, N/A with a reason for the others (lvm until it is built),
# report.md, and no guest, lvmd or temporary file left behind.
. "$(dirname "$0")/lib.sh"

out=$(mktemp -d)
trap 'rm -rf "$out" "$out.log"' EXIT
before=$(domain_count)
tmps=$(ls -d /tmp/lvm-bench.* 2>/dev/null | wc -l)
# A budget well above the smoke profile's 150 s: on a loaded machine the
# run is late, and the harness then cuts scaling short (to a third of its
# own budget), which is its rule for real runs, not what this test checks.
bash "$LVM_ROOT/bench/run" --smoke --budget 900 --out "$out" >"$out.log" 2>&1 ||
	fail "bench/run --smoke failed: $(tail -n 5 "$out.log")"
info "$(grep -a 'bench: done' "$out.log")"

[ "$(head -n1 "$out/raw.csv")" = "experiment,system,mode,clock,running_guests,iteration,ms" ] ||
	fail "raw.csv has no header: $(head -n1 "$out/raw.csv")"
rows() { grep -c "^$1," "$out/raw.csv"; }
# dom0's clock, checked at the start and the end, and the one the tools
# time on: in dom0, as root, the TSC at Xen's rate (bench/timer.h).
for w in start end; do
	grep -Eq "^dom0's clock at the $w: CLOCK_MONOTONIC over 2 s on [0-9]+ CPUs: longest stand-still [0-9.]+ ms.*; the harness times on the TSC at [1-9][0-9]* kHz" "$out/meta.txt" ||
		fail "meta.txt lacks dom0's clock at the $w: $(grep "clock" "$out/meta.txt")"
done
info "$(grep "^dom0's clock at the start" "$out/meta.txt")"
[ "$(rows start,process,fork-exec,exited,0)" -eq 20 ] || fail "not 20 fork-exec samples"
[ "$(rows start,process,posix-spawn,exited,0)" -eq 20 ] || fail "not 20 posix-spawn samples"
[ "$(rows start,process,fork-exec-fresh,exited,0)" -eq 20 ] || fail "not 20 fork-exec-fresh samples"
for m in command library; do
	[ "$(rows "start,xl,$m,returned,0")" -eq 2 ] || fail "not 2 xl $m samples: $(cat "$out/na.csv")"
	[ "$(rows "start,xl,$m,running,0")" -eq 2 ] || fail "not 2 xl $m running samples"
done
[ "$(rows fill,xl,command-paused,returned)" -eq 2 ] || fail "not 2 guests kept up for scaling"
[ "$(rows start,xl,command,returned,2)" -ge 1 ] || fail "no xl probe with 2 guests up"
info "$(($(wc -l <"$out/raw.csv") - 1)) samples"

grep -q '^start,process,fork-exec,exited,0,20,' "$out/summary.csv" ||
	fail "summary.csv lacks the fork-exec series: $(head -n3 "$out/summary.csv")"
if [ ! -x "$LVM_BUILD/bin/lvm" ]; then
	grep -q '^lvm,pool-library,lvm not built yet$' "$out/na.csv" ||
		fail "lvm is not reported N/A: $(grep '^lvm' "$out/na.csv")"
else
	# lvm: both clocks of every mode, the guests kept up, a probe with
	# them up, and the pool really used where it should be.
	! grep -q '^lvm,' "$out/na.csv" || fail "lvm N/A: $(grep '^lvm,' "$out/na.csv")"
	for m in built-library built-command pool-library pool-command \
		cold-library cold-command xenstore-library xenstore-command; do
		for c in returned running; do
			[ "$(rows "start,lvm,$m,$c,0")" -eq 2 ] || fail "not 2 lvm $m $c samples"
		done
	done
	[ "$(rows fill,lvm)" -eq 2 ] || fail "not 2 lvm guests kept up for scaling"
	[ "$(rows start,lvm,pool-library,returned,2)" -ge 1 ] || fail "no lvm probe with 2 guests up"
	grep -q '^lvm,2,2,' "$out/scaling.csv" || fail "lvm scaling did not reach 2: $(grep '^lvm' "$out/scaling.csv")"
	grep -q '^| lvm | pool-library | application running | 2 |' "$out/report.md" ||
		fail "report.md lacks the lvm pool-library row"
	grep -q '^| lvm (pool) against fork+exec |.*×' "$out/report.md" ||
		fail "report.md lacks the lvm headline"
	grep -q '^| lvm (pool built ahead) against fork+exec |.*×' "$out/report.md" ||
		fail "report.md lacks the lvm built-ahead headline"
	info "lvm: $(grep -c '^start,lvm,' "$out/raw.csv") start rows, pool $(awk -F, '$1 == "start" && $3 == "pool-library" && $4 == "returned" && $5 == 0 { printf "%s ", $7 }' "$out/raw.csv")ms"
fi
grep -q '^xl,2,2,' "$out/scaling.csv" || fail "xl scaling did not reach 2: $(tail -n1 "$out/scaling.csv")"
grep -q '^## Start times' "$out/report.md" || fail "no report.md"
grep -q '| xl | command | create returned | 2 |' "$out/report.md" ||
	fail "report.md lacks the xl command row"

[ "$(domain_count)" -eq "$before" ] || fail "guests left behind: $(xl list | tail -n +2)"
! bench_lvmd || fail "lvmd left running"
[ "$(ls -d /tmp/lvm-bench.* 2>/dev/null | wc -l)" -eq "$tmps" ] || fail "temporary files left behind"
info "nothing left behind"
