# tests/unit/module.mk — the list of unit tests (see tests/module.mk).

# Guest library OS logic, built hosted.
UNIT_TESTS += fmt
fmt_SRCS := tests/unit/test_fmt.c guests/libos/fmt.c
fmt_CFLAGS := -Iguests/libos/include

UNIT_TESTS += console_ring
console_ring_SRCS := tests/unit/test_console_ring.c guests/libos/console_ring.c
console_ring_CFLAGS := -Iguests/libos/include

UNIT_TESTS += xs_compat
xs_compat_SRCS := tests/unit/test_xs_compat.c toolstack/liblvm/xs_compat.c \
	toolstack/liblvm/log.c
xs_compat_LIBS := -Wl,--wrap=xs_write -Wl,--wrap=xs_mkdir -Wl,--wrap=xs_rm \
	-Wl,--wrap=xs_set_permissions -Wl,--wrap=xs_transaction_start \
	-Wl,--wrap=xs_transaction_end -Wl,--wrap=xs_introduce_domain \
	-Wl,--wrap=xs_release_domain -lxenstore

# The benchmark harness's statistics, CSV, summary and console watch.
UNIT_TESTS += bench_stats
bench_stats_SRCS := tests/unit/test_bench_stats.c bench/stats.c
bench_stats_LIBS := -lm

UNIT_TESTS += bench_csv
bench_csv_SRCS := tests/unit/test_bench_csv.c bench/csv.c

UNIT_TESTS += bench_summary
bench_summary_SRCS := tests/unit/test_bench_summary.c bench/summary.c \
	bench/stats.c bench/csv.c bench/sample.c
bench_summary_LIBS := -lm

UNIT_TESTS += bench_watch
bench_watch_SRCS := tests/unit/test_bench_watch.c bench/watch.c
