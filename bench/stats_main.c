/*
 * stats_main.c — lvm-bench-stats: summarise the raw samples of a benchmark
 * run (summary.h).
 *
 *   lvm-bench-stats [-o SUMMARY.csv] [RAW.csv]
 *   lvm-bench-stats -H        print the raw CSV's header row
 *
 * Reads RAW.csv (standard input without it), writes the summary to
 * SUMMARY.csv (through a temporary file renamed into place, so a failed
 * run leaves no partial summary) or standard output. Exit status 0, or 1
 * with one line on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/sample.h"
#include "bench/summary.h"

static void usage(FILE *f)
{
	fputs("usage: lvm-bench-stats [-o SUMMARY.csv] [RAW.csv]\n"
	      "       lvm-bench-stats -H\n",
	      f);
}

int main(int argc, char **argv)
{
	const char *in_path = NULL, *out_path = NULL;
	FILE *in = stdin, *out = stdout;
	char *tmp = NULL, err[256];
	int opt, rc, status = 1;

	while ((opt = getopt(argc, argv, "hHo:")) != -1) {
		switch (opt) {
		case 'H':
			puts(LVM_SAMPLE_HEADER);
			return fflush(stdout) == 0 ? 0 : 1;
		case 'o':
			out_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (argc - optind > 1) {
		usage(stderr);
		return 1;
	}
	if (optind < argc) {
		in_path = argv[optind];
		in = fopen(in_path, "r");
		if (in == NULL) {
			fprintf(stderr, "lvm-bench-stats: %s: %s\n", in_path,
				strerror(errno));
			goto out;
		}
	}
	if (out_path != NULL) {
		if (asprintf(&tmp, "%s.tmp", out_path) < 0) {
			tmp = NULL;
			fprintf(stderr, "lvm-bench-stats: out of memory\n");
			goto out;
		}
		out = fopen(tmp, "w");
		if (out == NULL) {
			fprintf(stderr, "lvm-bench-stats: %s: %s\n", tmp,
				strerror(errno));
			goto out;
		}
	}
	rc = lvm_summary_run(in, out, err, sizeof(err));
	if (rc == -EINVAL) {
		fprintf(stderr, "lvm-bench-stats: %s: %s\n",
			in_path ? in_path : "stdin", err);
		goto out;
	}
	if (rc < 0) {
		fprintf(stderr, "lvm-bench-stats: %s\n", strerror(-rc));
		goto out;
	}
	if (out != stdout) {
		rc = fclose(out);
		out = stdout;
		if (rc != 0 || rename(tmp, out_path) != 0) {
			fprintf(stderr, "lvm-bench-stats: %s: %s\n", out_path,
				strerror(errno));
			goto out;
		}
	}
	status = 0;
out:
	if (in != stdin && in != NULL)
		fclose(in);
	if (out != stdout && out != NULL)
		fclose(out);
	if (tmp != NULL) {
		if (status != 0)
			unlink(tmp);
		free(tmp);
	}
	return status;
}
