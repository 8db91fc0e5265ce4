/*
 * test_vring.c — unit tests for noxs/vring.c, built hosted: the checks one
 * by one (table-driven), then both sides' use of one rings page: the
 * guest's requester (vring_front_*) and dom0's responder (vring_back_*),
 * honest and hostile, across the 2^32 wrap of the indices.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <noxs/noxs.h>
#include <noxs/vring.h>

#define REGION (64u * 4096u)

/* --- the checks -------------------------------------------------------- */

static void test_check_prod(void **state)
{
	static const struct {
		const char *name;
		uint32_t prod, cons, base, limit;
		int want;
	} cases[] = {
		{ "empty", 0, 0, 0, 64, NOXS_VIF_OK },
		{ "one ring ahead", 64, 0, 0, 64, NOXS_VIF_OK },
		{ "past a ring", 65, 0, 0, 64, NOXS_VIF_BAD_INDEX },
		{ "behind consumed", 5, 10, 0, 64, NOXS_VIF_BAD_INDEX },
		{ "at consumed", 10, 10, 0, 64, NOXS_VIF_OK },
		{ "far behind (wraps)", 0xfffffff0u, 0, 0, 64,
		  NOXS_VIF_BAD_INDEX },
		{ "across the wrap", 3, 0xfffffffeu, 0xfffffffau, 64,
		  NOXS_VIF_OK },
		{ "past a ring across the wrap", 0x47, 0xfffffffeu, 0, 64,
		  NOXS_VIF_BAD_INDEX },
		{ "limit zero", 1, 0, 0, 0, NOXS_VIF_BAD_INDEX },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case: %s\n", cases[i].name);
		assert_int_equal(vring_check_prod(cases[i].prod, cases[i].cons,
						  cases[i].base,
						  cases[i].limit),
				 cases[i].want);
	}
}

static void test_check_req(void **state)
{
	static const struct {
		const char *name;
		struct noxs_vif_desc d;
		int want;
	} cases[] = {
		{ "ok", { .offset = 0, .len = 60, .id = 0 }, NOXS_VIF_OK },
		{ "last id", { .offset = 0, .len = 60, .id = 63 },
		  NOXS_VIF_OK },
		{ "id past the ring", { .offset = 0, .len = 60, .id = 64 },
		  NOXS_VIF_BAD_ID },
		{ "id 0xffff", { .offset = 0, .len = 60, .id = 0xffff },
		  NOXS_VIF_BAD_ID },
		{ "flags", { .offset = 0, .len = 60, .flags = 1 },
		  NOXS_VIF_BAD_FLAGS },
		{ "len 0", { .offset = 0, .len = 0 }, NOXS_VIF_BAD_LEN },
		{ "len a full frame", { .offset = 0, .len = 1514 },
		  NOXS_VIF_OK },
		{ "len past a frame", { .offset = 0, .len = 1515 },
		  NOXS_VIF_BAD_LEN },
		{ "len 0xffff", { .offset = 0, .len = 0xffff },
		  NOXS_VIF_BAD_LEN },
		{ "ends at the region's end", { .offset = REGION - 100,
						.len = 100 }, NOXS_VIF_OK },
		{ "one byte past the region", { .offset = REGION - 100,
						.len = 101 },
		  NOXS_VIF_PAST_REGION },
		{ "offset at the region's end", { .offset = REGION, .len = 1 },
		  NOXS_VIF_BAD_OFFSET },
		{ "offset wraps a 32-bit sum", { .offset = 0xffffff00u,
						 .len = 0x200 },
		  NOXS_VIF_BAD_OFFSET },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case: %s\n", cases[i].name);
		assert_int_equal(vring_check_req(&cases[i].d, REGION),
				 cases[i].want);
	}
	/* An offset + len that overflows 32 bits with a huge region. */
	struct noxs_vif_desc d = { .offset = 0xfffffff0u, .len = 0x20 };
	assert_int_equal(vring_check_req(&d, 0xffffffffu),
			 NOXS_VIF_PAST_REGION);
}

static void test_check_rsp(void **state)
{
	static const struct {
		const char *name;
		struct noxs_vif_desc d;
		uint32_t cap;
		int want;
	} cases[] = {
		{ "ok", { .len = 60, .id = 5 }, 2048, NOXS_VIF_OK },
		{ "error status", { .id = 5, .status = -1 }, 2048,
		  NOXS_VIF_OK },
		{ "unknown status", { .id = 5, .status = 7 }, 2048,
		  NOXS_VIF_BAD_STATUS },
		{ "id past the ring", { .len = 60, .id = 64 }, 2048,
		  NOXS_VIF_BAD_ID },
		{ "len at the cap", { .len = 2048, .id = 1 }, 2048,
		  NOXS_VIF_OK },
		{ "len past the cap", { .len = 2049, .id = 1 }, 2048,
		  NOXS_VIF_BAD_LEN },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case: %s\n", cases[i].name);
		assert_int_equal(vring_check_rsp(&cases[i].d, cases[i].cap),
				 cases[i].want);
	}
}

static void test_check_region_and_config(void **state)
{
	struct noxs_vif_config c = {
		.mac = { 0x00, 0x16, 0x3e, 1, 2, 3 }, .mtu = 1500,
		.ipv4_addr = { 198, 18, 0, 2 }, .ipv4_prefix = 24,
	};

	(void)state;
	assert_int_equal(vring_check_region(64, REGION), NOXS_VIF_OK);
	assert_int_equal(vring_check_region(1, 1), NOXS_VIF_OK);
	assert_int_equal(vring_check_region(0, 0), NOXS_VIF_BAD_SETUP);
	assert_int_equal(vring_check_region(129, 4096), NOXS_VIF_BAD_SETUP);
	assert_int_equal(vring_check_region(64, REGION + 1),
			 NOXS_VIF_BAD_SETUP);
	assert_int_equal(vring_check_region(64, 0), NOXS_VIF_BAD_SETUP);

	assert_int_equal(vring_check_config(&c), NOXS_VIF_OK);
	c.mac[0] = 1;                           /* multicast */
	assert_int_equal(vring_check_config(&c), NOXS_VIF_BAD_SETUP);
	memset(c.mac, 0, sizeof(c.mac));
	assert_int_equal(vring_check_config(&c), NOXS_VIF_BAD_SETUP);
	c.mac[5] = 1;
	c.mtu = 575;
	assert_int_equal(vring_check_config(&c), NOXS_VIF_BAD_SETUP);
	c.mtu = 1501;
	assert_int_equal(vring_check_config(&c), NOXS_VIF_BAD_SETUP);
	c.mtu = 576;
	c.ipv4_prefix = 33;
	assert_int_equal(vring_check_config(&c), NOXS_VIF_BAD_SETUP);
	c.ipv4_prefix = 32;
	c.pad[3] = 1;
	assert_int_equal(vring_check_config(&c), NOXS_VIF_BAD_SETUP);
}

static void test_reason_names(void **state)
{
	(void)state;
	for (int r = 0; r <= NOXS_VIF_REASON_MAX; r++) {
		assert_non_null(vring_reason_name(r));
		assert_string_not_equal(vring_reason_name(r), "unknown");
	}
	assert_string_equal(vring_reason_name(NOXS_VIF_REASON_MAX + 1),
			    "unknown");
	assert_string_equal(vring_reason_name(-1), "unknown");
}

/* --- both sides over one rings page ----------------------------------- */

struct pair {
	struct noxs_vif_rings rings;
	struct vring_front f;
	struct vring_back b;
};

static int setup(void **state)
{
	struct pair *p = test_calloc(1, sizeof(*p));

	if (p == NULL)
		return -1;
	vring_front_init(&p->f, &p->rings.tx_idx, p->rings.tx);
	vring_back_init(&p->b, &p->rings.tx_idx, p->rings.tx, REGION);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	test_free(*state);
	return 0;
}

/* Start both sides (and the shared indices) at index (at). */
static void start_at(struct pair *p, uint32_t at)
{
	p->f.req_prod = p->f.rsp_cons = at;
	p->b.req_cons = p->b.rsp_prod = at;
	p->rings.tx_idx.req_prod = p->rings.tx_idx.rsp_prod = at;
}

static struct noxs_vif_desc req(uint16_t id)
{
	return (struct noxs_vif_desc){ .offset = id * 2048u,
				       .len = NOXS_VIF_FRAME_MAX, .id = id };
}

/* The guest posts (n) requests, dom0 takes and answers them all. */
static void round_trip(struct pair *p, uint16_t n)
{
	struct noxs_vif_desc d;
	uint16_t cap[NOXS_VIF_RING_SIZE];
	uint32_t arg;

	for (uint16_t i = 0; i < n; i++) {
		d = req(i);
		cap[i] = d.len;
		assert_int_equal(vring_front_post(&p->f, &d), 0);
	}
	assert_int_equal(vring_back_take(&p->b, &d, &arg), 0); /* unpushed */
	assert_int_equal(vring_front_push(&p->f), n > 0);
	assert_int_equal(vring_front_push(&p->f), 0);
	for (uint16_t i = 0; i < n; i++) {
		assert_int_equal(vring_back_take(&p->b, &d, &arg), 1);
		assert_int_equal(d.id, i);
		assert_int_equal(d.offset, i * 2048u);
		d.len = 100 + i;
		d.status = NOXS_VIF_STATUS_OK;
		assert_int_equal(vring_back_respond(&p->b, &d), 0);
	}
	assert_int_equal(vring_back_take(&p->b, &d, &arg), 0);
	assert_int_equal(vring_back_push(&p->b), n > 0);
	for (uint16_t i = 0; i < n; i++) {
		assert_int_equal(vring_front_take(&p->f, &d, cap), 1);
		assert_int_equal(d.id, i);
		assert_int_equal(d.len, 100 + i);
	}
	assert_int_equal(vring_front_take(&p->f, &d, cap), 0);
	assert_int_equal(vring_front_free(&p->f), NOXS_VIF_RING_SIZE);
}

static void test_round_trip(void **state)
{
	struct pair *p = *state;

	round_trip(p, 1);
	round_trip(p, NOXS_VIF_RING_SIZE);
	round_trip(p, 0);
	start_at(p, 0xffffffe0u);               /* across the 2^32 wrap */
	round_trip(p, NOXS_VIF_RING_SIZE);
	round_trip(p, 5);
	assert_true(p->f.req_prod < 0x100);
}

static void test_full_and_nothing_pending(void **state)
{
	struct pair *p = *state;
	struct noxs_vif_desc d = req(0);

	for (uint32_t i = 0; i < NOXS_VIF_RING_SIZE; i++)
		assert_int_equal(vring_front_post(&p->f, &d), 0);
	assert_int_equal(vring_front_free(&p->f), 0);
	assert_int_equal(vring_front_post(&p->f, &d), -NOXS_ENOSPC);
	assert_int_equal(vring_back_respond(&p->b, &d), -NOXS_ENOSPC);
}

/* A guest that moves req_prod where it must not: dom0 refuses. */
static void test_back_hostile_index(void **state)
{
	struct pair *p = *state;
	struct noxs_vif_desc d;
	uint32_t arg;

	start_at(p, 1000);
	p->rings.tx_idx.req_prod = 1000 + NOXS_VIF_RING_SIZE + 1;
	assert_int_equal(vring_back_take(&p->b, &d, &arg),
			 -NOXS_VIF_BAD_INDEX);
	assert_int_equal(arg, 1000 + NOXS_VIF_RING_SIZE + 1);
	assert_int_equal(p->b.req_cons, 1000);  /* nothing consumed */

	p->rings.tx_idx.req_prod = 999;         /* behind */
	assert_int_equal(vring_back_take(&p->b, &d, &arg),
			 -NOXS_VIF_BAD_INDEX);

	/* A full ring of requests, not yet answered, is fine... */
	p->rings.tx_idx.req_prod = 1000 + NOXS_VIF_RING_SIZE;
	for (uint32_t i = 0; i < NOXS_VIF_RING_SIZE; i++)
		p->rings.tx[i] = req((uint16_t)i);
	for (uint32_t i = 0; i < NOXS_VIF_RING_SIZE; i++)
		assert_int_equal(vring_back_take(&p->b, &d, &arg), 1);
	/* ...one more before any response is not. */
	p->rings.tx_idx.req_prod++;
	assert_int_equal(vring_back_take(&p->b, &d, &arg),
			 -NOXS_VIF_BAD_INDEX);
}

/* A guest that writes a bad descriptor: dom0 says which and why. */
static void test_back_hostile_desc(void **state)
{
	struct pair *p = *state;
	struct noxs_vif_desc d = { .offset = REGION - 10, .len = 11, .id = 9 };
	uint32_t arg;

	assert_int_equal(vring_front_post(&p->f, &d), 0);
	vring_front_push(&p->f);
	assert_int_equal(vring_back_take(&p->b, &d, &arg),
			 -NOXS_VIF_PAST_REGION);
	assert_int_equal(arg, 9);

	p->rings.tx[1] = req(1);
	p->rings.tx[1].id = 200;
	p->rings.tx_idx.req_prod = 2;
	assert_int_equal(vring_back_take(&p->b, &d, &arg), -NOXS_VIF_BAD_ID);
	assert_int_equal(arg, 200);
}

/* dom0 (or a corrupt page) answering what was never asked: refused. */
static void test_front_hostile(void **state)
{
	struct pair *p = *state;
	struct noxs_vif_desc d = req(3);
	uint16_t cap[NOXS_VIF_RING_SIZE] = { [3] = NOXS_VIF_FRAME_MAX };

	p->rings.tx_idx.rsp_prod = 1;           /* no request posted */
	assert_int_equal(vring_front_take(&p->f, &d, cap),
			 -NOXS_VIF_BAD_INDEX);
	p->rings.tx_idx.rsp_prod = 0;

	assert_int_equal(vring_front_post(&p->f, &d), 0);
	vring_front_push(&p->f);
	p->rings.tx[0].len = NOXS_VIF_FRAME_MAX + 1; /* past the buffer */
	p->rings.tx_idx.rsp_prod = 1;
	assert_int_equal(vring_front_take(&p->f, &d, cap), -NOXS_VIF_BAD_LEN);

	assert_int_equal(vring_front_post(&p->f, &d), 0);
	vring_front_push(&p->f);
	p->rings.tx[1].len = 10;
	p->rings.tx[1].status = 3;
	p->rings.tx_idx.rsp_prod = 2;
	assert_int_equal(vring_front_take(&p->f, &d, cap),
			 -NOXS_VIF_BAD_STATUS);
	p->rings.tx_idx.rsp_prod = 0xfffffff0u;  /* behind */
	assert_int_equal(vring_front_take(&p->f, &d, cap),
			 -NOXS_VIF_BAD_INDEX);
}

/* A rings page set up ahead (vring_rings_setup(), as dom0 does for a vif
 * connected ahead) is what the guest's open would have made: the frames
 * listed, RX buffer j posted as request j, published; a front resumed
 * over it and dom0's back started at 0 then move frames as after an
 * ordinary open. */
static void test_rings_setup_ahead(void **state)
{
	struct noxs_vif_rings *r = test_malloc(sizeof(*r));
	uint64_t mfn[48];
	struct vring_front f;
	struct vring_back b;
	struct noxs_vif_desc d;
	uint16_t cap[NOXS_VIF_RING_SIZE];
	uint32_t arg;

	(void)state;
	memset(r, 0xa5, sizeof(*r));            /* whatever was there goes */
	for (uint32_t i = 0; i < 48; i++)
		mfn[i] = 0x1000 + i;
	vring_rings_setup(r, mfn, 48, 40, 2048);
	assert_int_equal(r->rx_idx.req_prod, 40);
	assert_int_equal(r->rx_idx.rsp_prod, 0);
	assert_int_equal(r->tx_idx.req_prod, 0);
	assert_int_equal(r->tx_idx.rsp_prod, 0);
	for (uint32_t i = 0; i < NOXS_VIF_BUF_PAGES_MAX; i++)
		assert_int_equal(r->buf_mfn[i], i < 48 ? 0x1000 + i : 0);
	for (uint32_t j = 40; j < NOXS_VIF_RING_SIZE; j++)
		assert_int_equal(r->rx[j].len, 0);
	for (size_t i = 0; i < sizeof(r->reserved); i++)
		assert_int_equal(r->reserved[i], 0);

	vring_front_resume(&f, &r->rx_idx, r->rx, 40);
	assert_int_equal(vring_front_free(&f), NOXS_VIF_RING_SIZE - 40);
	assert_int_equal(vring_front_push(&f), 0);      /* already published */
	vring_back_init(&b, &r->rx_idx, r->rx, 48 * 4096);
	for (uint16_t j = 0; j < 40; j++) {
		assert_int_equal(vring_back_take(&b, &d, &arg), 1);
		assert_int_equal(d.id, j);
		assert_int_equal(d.offset, j * 2048u);
		assert_int_equal(d.len, NOXS_VIF_FRAME_MAX);
		assert_int_equal(d.flags, 0);
		cap[j] = NOXS_VIF_FRAME_MAX;
		d.len = 60;
		d.status = NOXS_VIF_STATUS_OK;
		assert_int_equal(vring_back_respond(&b, &d), 0);
	}
	assert_int_equal(vring_back_take(&b, &d, &arg), 0);
	assert_int_equal(vring_back_push(&b), 1);
	for (uint16_t j = 0; j < 40; j++) {
		assert_int_equal(vring_front_take(&f, &d, cap), 1);
		assert_int_equal(d.id, j);
		assert_int_equal(d.len, 60);
	}
	assert_int_equal(vring_front_take(&f, &d, cap), 0);
	/* The front posts on after the requests made for it. */
	d = (struct noxs_vif_desc){ .offset = 0, .len = 100, .id = 0 };
	assert_int_equal(vring_front_post(&f, &d), 0);
	assert_int_equal(vring_front_push(&f), 1);
	assert_int_equal(r->rx_idx.req_prod, 41);
	test_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_prod),
		cmocka_unit_test(test_check_req),
		cmocka_unit_test(test_check_rsp),
		cmocka_unit_test(test_check_region_and_config),
		cmocka_unit_test(test_reason_names),
		cmocka_unit_test(test_rings_setup_ahead),
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_full_and_nothing_pending,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_back_hostile_index, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_back_hostile_desc, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_front_hostile, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
