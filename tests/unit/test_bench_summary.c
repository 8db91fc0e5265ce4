/*
 * test_bench_summary.c — unit tests for bench/summary.c (what
 * lvm-bench-stats does) and bench/sample.c (the rows the tools write).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bench/sample.h"
#include "bench/summary.h"

#define HDR "experiment,system,mode,clock,running_guests,iteration,ms\n"

/* Summarise (in); return the output, the status in (*rc), the message in
 * (err). */
static char *summarise(const char *in, int *rc, char *err, size_t errlen)
{
	FILE *fi = fmemopen((void *)in, strlen(in), "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *fo = open_memstream(&buf, &len);

	assert_non_null(fi);
	assert_non_null(fo);
	*rc = lvm_summary_run(fi, fo, err, errlen);
	fclose(fi);
	fclose(fo);
	return buf;
}

static void test_groups_in_order_of_appearance(void **state)
{
	char err[128];
	int rc;
	char *out = summarise(HDR "start,xl,command,returned,0,0,30\n"
				  "start,xl,command,running,0,0,50\n"
				  "start,xl,command,returned,0,1,10\n"
				  "start,xl,command,running,0,1,70\n"
				  "start,xl,command,returned,0,2,20\n"
				  "start,xl,command,returned,5,0,100\n",
			      &rc, err, sizeof(err));

	(void)state;
	assert_int_equal(rc, 0);
	assert_string_equal(
	    out, LVM_SUMMARY_HEADER
	    "\n"
	    "start,xl,command,returned,0,3,10.000,20.000,28.000,29.800,"
	    "30.000,20.000\n"
	    "start,xl,command,running,0,2,50.000,60.000,68.000,69.800,"
	    "70.000,60.000\n"
	    "start,xl,command,returned,5,1,100.000,100.000,100.000,100.000,"
	    "100.000,100.000\n");
	free(out);
}

static void test_columns_found_by_name(void **state)
{
	char err[128];
	int rc;
	char *out = summarise("ms,iteration,clock,extra,running_guests,mode,"
			      "system,experiment\n"
			      "4,0,exited,zz,0,fork-exec,process,start\n"
			      "2,1,exited,zz,0,fork-exec,process,start\n",
			      &rc, err, sizeof(err));

	(void)state;
	assert_int_equal(rc, 0);
	assert_string_equal(out, LVM_SUMMARY_HEADER
			    "\n"
			    "start,process,fork-exec,exited,0,2,2.000,"
			    "3.000,3.800,3.980,4.000,3.000\n");
	free(out);
}

static void test_header_only_gives_header_only(void **state)
{
	char err[128];
	int rc;
	char *out = summarise(HDR, &rc, err, sizeof(err));

	(void)state;
	assert_int_equal(rc, 0);
	assert_string_equal(out, LVM_SUMMARY_HEADER "\n");
	free(out);
}

static void test_quoted_names_survive(void **state)
{
	char err[128];
	int rc;
	char *out =
	    summarise(HDR "start,\"a,b\",m,c,0,0,1\n", &rc, err, sizeof(err));

	(void)state;
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\nstart,\"a,b\",m,c,0,1,"));
	free(out);
}

/* (in) must be refused with a message containing (what). */
static void expect_refused(const char *in, const char *what)
{
	char err[128];
	int rc;
	char *out = summarise(in, &rc, err, sizeof(err));

	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(err, what));
	assert_string_equal(out, ""); /* nothing written */
	free(out);
}

static void test_refuses_bad_input(void **state)
{
	(void)state;
	expect_refused("", "no header");
	expect_refused("experiment,system,mode,clock,iteration,ms\n",
		       "running_guests");
	expect_refused(HDR "start,xl,command,returned,0,0\n",
		       "line 2: 6 fields");
	expect_refused(HDR "start,xl,command,returned,0,0,1\n"
			   "start,xl,command,returned,x,1,1\n",
		       "line 3: running_guests 'x'");
	expect_refused(HDR "start,xl,command,returned,-1,0,1\n",
		       "running_guests");
	expect_refused(HDR "start,xl,command,returned,0,0,fast\n", "ms 'fast'");
	expect_refused(HDR "start,xl,command,returned,0,0,-3\n", "ms '-3'");
	expect_refused(HDR "start,xl,command,returned,0,0,nan\n", "ms 'nan'");
	expect_refused(HDR "start,xl,command,returned,0,0,\n", "ms ''");
	expect_refused(HDR "start,x\"l,command,returned,0,0,1\n",
		       "line 2: malformed");
}

static void test_sample_rows(void **state)
{
	struct lvm_sample_tag t;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	lvm_sample_tag_init(&t);
	assert_int_equal(lvm_sample_tag_option(&t, LVM_OPT_SYSTEM, "xl"), 0);
	assert_int_equal(lvm_sample_tag_option(&t, LVM_OPT_MODE, "library"), 0);
	assert_int_equal(lvm_sample_tag_option(&t, LVM_OPT_RUNNING, "12"), 0);
	assert_int_equal(lvm_sample_write(f, &t, "running", 3, 1.23456), 0);
	fclose(f);
	assert_string_equal(buf, "start,xl,library,running,12,3,1.235\n");
	free(buf);
}

static void test_sample_tag_refuses_bad_values(void **state)
{
	struct lvm_sample_tag t;

	(void)state;
	lvm_sample_tag_init(&t);
	assert_int_equal(lvm_sample_tag_option(&t, LVM_OPT_SYSTEM, ""),
			 -EINVAL);
	assert_int_equal(lvm_sample_tag_option(&t, LVM_OPT_MODE, "a,b"),
			 -EINVAL);
	assert_int_equal(lvm_sample_tag_option(&t, LVM_OPT_RUNNING, "-1"),
			 -EINVAL);
	assert_int_equal(lvm_sample_tag_option(&t, LVM_OPT_RUNNING, "3x"),
			 -EINVAL);
	assert_int_equal(lvm_sample_tag_option(&t, 'z', "x"), -ENOENT);
}

static void test_parse_count(void **state)
{
	long v = -5;

	(void)state;
	assert_int_equal(lvm_parse_count("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(lvm_parse_count("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(lvm_parse_count("11", 0, 10, &v), -EINVAL);
	assert_int_equal(lvm_parse_count("", 0, 10, &v), -EINVAL);
	assert_int_equal(lvm_parse_count(" 1", 0, 10, &v), -EINVAL);
	assert_int_equal(lvm_parse_count("99999999999999999999", 0, 10, &v),
			 -EINVAL);
	assert_int_equal(v, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_groups_in_order_of_appearance),
	    cmocka_unit_test(test_columns_found_by_name),
	    cmocka_unit_test(test_header_only_gives_header_only),
	    cmocka_unit_test(test_quoted_names_survive),
	    cmocka_unit_test(test_refuses_bad_input),
	    cmocka_unit_test(test_sample_rows),
	    cmocka_unit_test(test_sample_tag_refuses_bad_values),
	    cmocka_unit_test(test_parse_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
