/*
 * test_noxs.c — unit tests for noxs/noxs.c, built hosted: filling a page
 * (toolstack side), checking it (guest side) and reading back the fields
 * a guest owns. Each test gets a fresh page filled by noxs_page_init();
 * corruption is played by writing fields directly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <noxs/noxs.h>

static const uint8_t uuid[16] = { 1, 2, 3, 4, 5, 6, 7, 8,
				  9, 10, 11, 12, 13, 14, 15, 16 };

static int setup(void **state)
{
	struct noxs_page *p = test_calloc(1, sizeof(*p));

	if (p == NULL)
		return -1;
	if (noxs_page_init(p, 7, "guest", uuid) != 0) {
		test_free(p);
		return -1;
	}
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	test_free(*state);
	return 0;
}

/* True if all (n) bytes at (buf) are zero. */
static int all_zero(const void *buf, size_t n)
{
	const uint8_t *b = buf;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

/* --- noxs_page_init ---------------------------------------------------- */

static void test_init_fills_header(void **state)
{
	struct noxs_page *p = *state;

	assert_int_equal(p->magic, NOXS_MAGIC);
	assert_int_equal(p->version, NOXS_VERSION);
	assert_int_equal(p->domid, 7);
	assert_int_equal(p->ndevs, 0);
	assert_memory_equal(p->uuid, uuid, 16);
	assert_string_equal(p->name, "guest");
	assert_int_equal(p->sysctl.state, NOXS_STATE_BOOTING);
	assert_int_equal(p->sysctl.request, NOXS_REQ_NONE);
	assert_int_equal(p->sysctl.request_seq, 0);
	assert_true(all_zero(p->devs, sizeof(p->devs)));
	assert_true(all_zero(p->reserved, sizeof(p->reserved)));
	assert_int_equal(noxs_page_check(p), 0);
}

static void test_init_zeroes_old_content(void **state)
{
	struct noxs_page *p = *state;

	memset(p, 0xa5, sizeof(*p));
	assert_int_equal(noxs_page_init(p, 1, "x", NULL), 0);
	assert_true(all_zero(p->uuid, sizeof(p->uuid)));
	assert_true(all_zero(p->name + 1, sizeof(p->name) - 1));
	assert_true(all_zero(&p->console, sizeof(p->console)));
	assert_true(all_zero(p->reserved, sizeof(p->reserved)));
}

static void test_init_rejects_missing_name(void **state)
{
	struct noxs_page *p = *state;

	assert_int_equal(noxs_page_init(p, 1, NULL, uuid), -NOXS_EINVAL);
	assert_true(all_zero(p, sizeof(*p)));
	memset(p, 0xa5, sizeof(*p));
	assert_int_equal(noxs_page_init(p, 1, "", uuid), -NOXS_EINVAL);
	assert_true(all_zero(p, sizeof(*p)));
}

static void test_init_name_bounds(void **state)
{
	struct noxs_page *p = *state;
	char name[NOXS_NAME_MAX + 1];

	/* The longest name that fits: NOXS_NAME_MAX - 1 bytes and the NUL. */
	memset(name, 'n', NOXS_NAME_MAX - 1);
	name[NOXS_NAME_MAX - 1] = '\0';
	assert_int_equal(noxs_page_init(p, 1, name, uuid), 0);
	assert_string_equal(p->name, name);
	assert_int_equal(p->name[NOXS_NAME_MAX - 1], '\0');

	/* One more byte is too long, and leaves the page zeroed. */
	memset(name, 'n', NOXS_NAME_MAX);
	name[NOXS_NAME_MAX] = '\0';
	assert_int_equal(noxs_page_init(p, 1, name, uuid), -NOXS_ENAMETOOLONG);
	assert_true(all_zero(p, sizeof(*p)));
}

/* --- console, sysctl, devices ------------------------------------------ */

static void test_set_console_and_sysctl(void **state)
{
	struct noxs_page *p = *state;

	noxs_page_set_console(p, 0x123456789ull, 3, 0);
	noxs_page_set_sysctl(p, 4, 5);
	assert_int_equal(p->console.gfn, 0x123456789ull);
	assert_int_equal(p->console.evtchn, 3);
	assert_int_equal(p->console.backend_domid, 0);
	assert_int_equal(p->sysctl.evtchn, 4);
	assert_int_equal(p->sysctl.backend_domid, 5);
	assert_int_equal(noxs_page_check(p), 0);
}

static void test_add_dev_fills_slots_in_order(void **state)
{
	struct noxs_page *p = *state;
	const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0x01, 0x02, 0x03 };

	assert_int_equal(noxs_page_add_dev(p, NOXS_DEV_VIF, 0, 0, 10, 20, mac,
					   sizeof(mac)), 0);
	assert_int_equal(noxs_page_add_dev(p, NOXS_DEV_VBD, 3, 2, 11, 21,
					   NULL, 0), 1);
	assert_int_equal(p->ndevs, 2);
	assert_int_equal(p->devs[0].type, NOXS_DEV_VIF);
	assert_int_equal(p->devs[0].id, 0);
	assert_int_equal(p->devs[0].evtchn, 10);
	assert_int_equal(p->devs[0].grant, 20);
	assert_memory_equal(p->devs[0].config, mac, sizeof(mac));
	assert_true(all_zero(p->devs[0].config + sizeof(mac),
			     NOXS_DEV_CONFIG_SIZE - sizeof(mac)));
	assert_int_equal(p->devs[1].type, NOXS_DEV_VBD);
	assert_int_equal(p->devs[1].id, 3);
	assert_int_equal(p->devs[1].backend_domid, 2);
	assert_int_equal(p->devs[1].be_state, NOXS_DEV_STATE_INIT);
	assert_int_equal(p->devs[1].fe_state, NOXS_DEV_STATE_INIT);
	assert_int_equal(noxs_page_check(p), 0);
}

static void test_add_dev_full_page(void **state)
{
	struct noxs_page *p = *state;

	for (unsigned i = 0; i < NOXS_MAX_DEVICES; i++)
		assert_int_equal(noxs_page_add_dev(p, NOXS_DEV_VIF, (uint16_t)i,
						   0, i, i, NULL, 0), (int)i);
	assert_int_equal(noxs_page_add_dev(p, NOXS_DEV_VIF, 99, 0, 1, 1,
					   NULL, 0), -NOXS_ENOSPC);
	assert_int_equal(p->ndevs, NOXS_MAX_DEVICES);
	assert_int_equal(noxs_page_check(p), 0);
}

static void test_add_dev_bad_type(void **state)
{
	struct noxs_page *p = *state;

	assert_int_equal(noxs_page_add_dev(p, NOXS_DEV_NONE, 0, 0, 1, 1,
					   NULL, 0), -NOXS_EINVAL);
	assert_int_equal(noxs_page_add_dev(p, NOXS_DEV_TYPE_MAX + 1, 0, 0, 1,
					   1, NULL, 0), -NOXS_EINVAL);
	assert_int_equal(p->ndevs, 0);
	assert_true(all_zero(p->devs, sizeof(p->devs)));
}

static void test_add_dev_config_bounds(void **state)
{
	struct noxs_page *p = *state;
	uint8_t cfg[NOXS_DEV_CONFIG_SIZE + 1];

	memset(cfg, 0x5a, sizeof(cfg));
	assert_int_equal(noxs_page_add_dev(p, NOXS_DEV_VIF, 0, 0, 1, 1, cfg,
					   NOXS_DEV_CONFIG_SIZE + 1),
			 -NOXS_EINVAL);
	assert_int_equal(noxs_page_add_dev(p, NOXS_DEV_VIF, 0, 0, 1, 1, NULL,
					   4), -NOXS_EINVAL);
	assert_int_equal(p->ndevs, 0);
	assert_int_equal(noxs_page_add_dev(p, NOXS_DEV_VIF, 0, 0, 1, 1, cfg,
					   NOXS_DEV_CONFIG_SIZE), 0);
	assert_memory_equal(p->devs[0].config, cfg, NOXS_DEV_CONFIG_SIZE);
	/* Nothing spilled into the next slot. */
	assert_true(all_zero(&p->devs[1], sizeof(p->devs[1])));
}

/* --- noxs_page_check on corrupted pages --------------------------------- */

static void test_check_bad_magic_or_version(void **state)
{
	struct noxs_page *p = *state;

	p->magic ^= 1;
	assert_int_equal(noxs_page_check(p), -NOXS_EPROTO);
	p->magic = NOXS_MAGIC;
	p->version = NOXS_VERSION + 1;
	assert_int_equal(noxs_page_check(p), -NOXS_EPROTO);
	p->version = NOXS_VERSION;
	assert_int_equal(noxs_page_check(p), 0);
}

static void test_check_zeroed_page(void **state)
{
	struct noxs_page *p = *state;

	memset(p, 0, sizeof(*p));
	assert_int_equal(noxs_page_check(p), -NOXS_EPROTO);
}

static void test_check_ndevs_bounds(void **state)
{
	struct noxs_page *p = *state;

	for (unsigned i = 0; i < NOXS_MAX_DEVICES; i++)
		p->devs[i].type = NOXS_DEV_VIF;
	p->ndevs = NOXS_MAX_DEVICES;
	assert_int_equal(noxs_page_check(p), 0);
	p->ndevs = NOXS_MAX_DEVICES + 1;
	assert_int_equal(noxs_page_check(p), -NOXS_EPROTO);
	p->ndevs = UINT32_MAX;
	assert_int_equal(noxs_page_check(p), -NOXS_EPROTO);
}

static void test_check_name_unterminated(void **state)
{
	struct noxs_page *p = *state;

	memset(p->name, 'a', NOXS_NAME_MAX);
	assert_int_equal(noxs_page_check(p), -NOXS_EPROTO);
	p->name[NOXS_NAME_MAX - 1] = '\0';
	assert_int_equal(noxs_page_check(p), 0);
}

static void test_check_device_type(void **state)
{
	struct noxs_page *p = *state;

	assert_int_equal(noxs_page_add_dev(p, NOXS_DEV_VIF, 0, 0, 1, 1,
					   NULL, 0), 0);
	p->devs[0].type = NOXS_DEV_NONE;
	assert_int_equal(noxs_page_check(p), -NOXS_EPROTO);
	p->devs[0].type = NOXS_DEV_TYPE_MAX + 1;
	assert_int_equal(noxs_page_check(p), -NOXS_EPROTO);
	p->devs[0].type = NOXS_DEV_VBD;
	/* A slot past ndevs is not looked at. */
	p->devs[1].type = 0xffff;
	assert_int_equal(noxs_page_check(p), 0);
}

static void test_check_device_be_state(void **state)
{
	struct noxs_page *p = *state;

	assert_int_equal(noxs_page_add_dev(p, NOXS_DEV_VIF, 0, 0, 1, 1,
					   NULL, 0), 0);
	p->devs[0].be_state = NOXS_DEV_STATE_MAX + 1;
	assert_int_equal(noxs_page_check(p), -NOXS_EPROTO);
	p->devs[0].be_state = NOXS_DEV_STATE_CONNECTED;
	assert_int_equal(noxs_page_check(p), 0);
}

static void test_check_request_range(void **state)
{
	struct noxs_page *p = *state;

	p->sysctl.request = NOXS_REQ_MAX;
	assert_int_equal(noxs_page_check(p), 0);
	p->sysctl.request = NOXS_REQ_MAX + 1;
	assert_int_equal(noxs_page_check(p), -NOXS_EPROTO);
}

/* --- noxs_guest_view_read ------------------------------------------------ */

/* A guest that reached main() and acted on request 3, with two devices. */
static void make_ready(struct noxs_page *p)
{
	noxs_page_add_dev(p, NOXS_DEV_VIF, 0, 0, 1, 1, NULL, 0);
	noxs_page_add_dev(p, NOXS_DEV_VBD, 0, 0, 2, 2, NULL, 0);
	p->sysctl.state = NOXS_STATE_READY;
	p->sysctl.ack_seq = 3;
	p->sysctl.ready_tsc = 1000;
	p->sysctl.ready_ns = 2000;
	p->devs[0].fe_state = NOXS_DEV_STATE_CONNECTED;
	p->devs[1].fe_state = NOXS_DEV_STATE_CLOSED;
}

static void test_view_valid(void **state)
{
	struct noxs_page *p = *state;
	struct noxs_guest_view v;

	make_ready(p);
	assert_int_equal(noxs_guest_view_read(p, 2, 3, &v), 0);
	assert_int_equal(v.state, NOXS_STATE_READY);
	assert_int_equal(v.ack_seq, 3);
	assert_int_equal(v.ready_tsc, 1000);
	assert_int_equal(v.ready_ns, 2000);
	assert_int_equal(v.fe_state[0], NOXS_DEV_STATE_CONNECTED);
	assert_int_equal(v.fe_state[1], NOXS_DEV_STATE_CLOSED);
	assert_int_equal(v.fe_state[2], 0);
}

static void test_view_fresh_page(void **state)
{
	struct noxs_page *p = *state;
	struct noxs_guest_view v;

	assert_int_equal(noxs_guest_view_read(p, 0, 0, &v), 0);
	assert_int_equal(v.state, NOXS_STATE_BOOTING);
}

static void test_view_bad_state(void **state)
{
	struct noxs_page *p = *state;
	struct noxs_guest_view v;

	make_ready(p);
	p->sysctl.state = NOXS_STATE_MAX + 1;
	assert_int_equal(noxs_guest_view_read(p, 2, 3, &v), -NOXS_EPROTO);
	/* Filled anyway, for the log. */
	assert_int_equal(v.state, NOXS_STATE_MAX + 1);
	assert_int_equal(v.ready_tsc, 1000);
	p->sysctl.state = UINT32_MAX;
	assert_int_equal(noxs_guest_view_read(p, 2, 3, &v), -NOXS_EPROTO);
}

static void test_view_ack_ahead(void **state)
{
	struct noxs_page *p = *state;
	struct noxs_guest_view v;

	make_ready(p);
	assert_int_equal(noxs_guest_view_read(p, 2, 2, &v), -NOXS_EPROTO);
	assert_int_equal(v.ack_seq, 3);
	p->sysctl.ack_seq = 0;
	assert_int_equal(noxs_guest_view_read(p, 2, 2, &v), 0);
}

static void test_view_ready_without_tsc(void **state)
{
	struct noxs_page *p = *state;
	struct noxs_guest_view v;

	make_ready(p);
	p->sysctl.ready_tsc = 0;
	assert_int_equal(noxs_guest_view_read(p, 2, 3, &v), -NOXS_EPROTO);
	/* Not READY yet: no ready_tsc is expected. */
	p->sysctl.state = NOXS_STATE_BOOTING;
	assert_int_equal(noxs_guest_view_read(p, 2, 3, &v), 0);
}

static void test_view_bad_fe_state(void **state)
{
	struct noxs_page *p = *state;
	struct noxs_guest_view v;

	make_ready(p);
	p->devs[1].fe_state = NOXS_DEV_STATE_MAX + 1;
	assert_int_equal(noxs_guest_view_read(p, 2, 3, &v), -NOXS_EPROTO);
	assert_int_equal(v.fe_state[1], NOXS_DEV_STATE_MAX + 1);
	/* Past the devices dom0 wrote, the guest's bytes are not read. */
	assert_int_equal(noxs_guest_view_read(p, 1, 3, &v), 0);
	assert_int_equal(v.fe_state[1], 0);
}

static void test_view_ndevs_out_of_range(void **state)
{
	struct noxs_page *p = *state;
	struct noxs_guest_view v;

	make_ready(p);
	assert_int_equal(noxs_guest_view_read(p, NOXS_MAX_DEVICES + 1, 3, &v),
			 -NOXS_EINVAL);
	assert_int_equal(v.state, NOXS_STATE_READY);
}

/* A guest's declared vif memory: libos's own layout passes; each field
 * out of its bounds fails. */
static void test_vifmem_check(void **state)
{
	const struct noxs_vifmem good = {
		.va = 0x2c000, .stride = 49 * 4096, .nvifs = 2,
		.buf_pages = 48, .buf_size = 48 * 4096, .rx_bufs = 64,
		.buf_len = 2048,
	};
	struct noxs_vifmem m;

	(void)state;
	assert_int_equal(noxs_vifmem_check(&good), 0);
#define BAD(field, value)                                   \
	do {                                                \
		m = good;                                   \
		m.field = value;                            \
		assert_int_equal(noxs_vifmem_check(&m), -1); \
	} while (0)
	BAD(nvifs, 0);
	BAD(nvifs, NOXS_MAX_VIFS + 1);
	BAD(va, 0x2c800);                       /* not page-aligned */
	BAD(va, UINT64_MAX - 4095);             /* the span wraps */
	BAD(stride, 49 * 4096 + 8);
	BAD(stride, 48 * 4096);                 /* region past its stride */
	BAD(buf_pages, 0);
	BAD(buf_pages, NOXS_VIF_BUF_PAGES_MAX + 1);
	BAD(buf_size, 0);
	BAD(buf_size, 48 * 4096 + 1);
	BAD(rx_bufs, 0);
	BAD(rx_bufs, NOXS_VIF_RING_SIZE + 1);
	BAD(buf_len, NOXS_VIF_FRAME_MAX - 1);
	BAD(buf_len, 4096);                     /* 64 x 4096 past the region */
#undef BAD
	m = good;
	m.nvifs = NOXS_MAX_VIFS;
	m.buf_len = NOXS_VIF_FRAME_MAX;
	assert_int_equal(noxs_vifmem_check(&m), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_fills_header),
		T(test_vifmem_check),
		T(test_init_zeroes_old_content),
		T(test_init_rejects_missing_name),
		T(test_init_name_bounds),
		T(test_set_console_and_sysctl),
		T(test_add_dev_fills_slots_in_order),
		T(test_add_dev_full_page),
		T(test_add_dev_bad_type),
		T(test_add_dev_config_bounds),
		T(test_check_bad_magic_or_version),
		T(test_check_zeroed_page),
		T(test_check_ndevs_bounds),
		T(test_check_name_unterminated),
		T(test_check_device_type),
		T(test_check_device_be_state),
		T(test_check_request_range),
		T(test_view_valid),
		T(test_view_fresh_page),
		T(test_view_bad_state),
		T(test_view_ack_ahead),
		T(test_view_ready_without_tsc),
		T(test_view_bad_fe_state),
		T(test_view_ndevs_out_of_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
