/*
 * fuzz_noxs_page.c — libFuzzer target for the two noxs functions that read
 * a page another domain wrote: noxs_page_check() (the guest reading what
 * dom0 wrote) and noxs_guest_view_read() (dom0 reading what a guest
 * wrote). The input is one page, zero-padded or cut to NOXS_PAGE_SIZE.
 *
 * Besides "no crash, no sanitizer report", each accepted page is checked
 * again here, independently, against the rules the functions promise;
 * a page they accept that breaks a rule aborts the run.
 *
 * Two input shapes, so that both whole random pages and small targeted
 * changes get tried (libFuzzer grows inputs slowly, and a random page
 * rarely gets past the magic):
 *   - NOXS_PAGE_SIZE bytes or more: the page itself, XORed over a valid
 *     page (every page is reachable: XOR is a bijection);
 *   - shorter: byte 0 picks the ndevs and bytes 1-4 the request_seq that
 *     dom0 passes to noxs_guest_view_read(); the rest is a list of 6-byte
 *     edits, each a 16-bit word index (modulo the page's 1024 32-bit
 *     words) and the 32-bit value to store there, applied to a valid page
 *     (two devices, a READY guest that acked request 1). Whole fields
 *     make boundary values (a request of 4, ndevs of 17) easy to reach.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <noxs/noxs.h>

static void check_accepted_page(const struct noxs_page *p)
{
	int terminated = 0;

	if (p->magic != NOXS_MAGIC || p->version != NOXS_VERSION)
		abort();
	if (p->ndevs > NOXS_MAX_DEVICES)
		abort();
	for (size_t i = 0; i < NOXS_NAME_MAX; i++)
		terminated |= p->name[i] == '\0';
	if (!terminated)
		abort();
	if (p->sysctl.request > NOXS_REQ_MAX)
		abort();
	for (uint32_t i = 0; i < p->ndevs; i++) {
		if (p->devs[i].type == NOXS_DEV_NONE ||
		    p->devs[i].type > NOXS_DEV_TYPE_MAX)
			abort();
		if (p->devs[i].be_state > NOXS_DEV_STATE_MAX)
			abort();
	}
}

static void check_accepted_view(const struct noxs_guest_view *v,
				uint32_t ndevs, uint32_t request_seq)
{
	if (v->state > NOXS_STATE_MAX || v->ack_seq > request_seq)
		abort();
	if (v->state == NOXS_STATE_READY && v->ready_tsc == 0)
		abort();
	for (uint32_t i = 0; i < NOXS_MAX_DEVICES; i++) {
		if (i < ndevs && v->fe_state[i] > NOXS_DEV_STATE_MAX)
			abort();
		if (i >= ndevs && v->fe_state[i] != 0)
			abort();
	}
}

/* A page as dom0 writes it, with a guest that reached main(). */
static void make_template(struct noxs_page *p)
{
	static const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0, 0, 1 };

	if (noxs_page_init(p, 5, "fuzz", NULL) != 0 ||
	    noxs_page_add_dev(p, NOXS_DEV_VIF, 0, 0, 3, 8, mac, 6) != 0 ||
	    noxs_page_add_dev(p, NOXS_DEV_VBD, 0, 0, 4, 9, NULL, 0) != 1)
		abort();
	noxs_page_set_console(p, 100, 1, 0);
	noxs_page_set_sysctl(p, 2, 0);
	p->sysctl.state = NOXS_STATE_READY;
	p->sysctl.ready_tsc = 1;
	p->sysctl.request = NOXS_REQ_SUSPEND;
	p->sysctl.request_seq = 1;
	p->sysctl.ack_seq = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct noxs_page template, page;
	static int have_template;
	struct noxs_guest_view view;
	uint32_t ndevs = 2, request_seq = 1;
	uint8_t *b = (uint8_t *)&page;
	int rc;

	if (!have_template) {
		make_template(&template);
		have_template = 1;
	}
	memcpy(&page, &template, sizeof(page));
	if (size >= sizeof(page)) {
		for (size_t i = 0; i < sizeof(page); i++)
			b[i] ^= data[i];
	} else if (size >= 5) {
		ndevs = data[0] % (NOXS_MAX_DEVICES + 2);
		memcpy(&request_seq, data + 1, sizeof(request_seq));
		for (size_t i = 5; i + 6 <= size; i += 6) {
			size_t word = (data[i] | (size_t)data[i + 1] << 8) %
				      (sizeof(page) / 4);

			memcpy(b + word * 4, data + i + 2, 4);
		}
	}

	if (noxs_page_check(&page) == 0)
		check_accepted_page(&page);

	rc = noxs_guest_view_read(&page, ndevs, request_seq, &view);
	if (rc == 0)
		check_accepted_view(&view, ndevs, request_seq);
	else if (rc != -NOXS_EPROTO && rc != -NOXS_EINVAL)
		abort();
	if ((rc == -NOXS_EINVAL) != (ndevs > NOXS_MAX_DEVICES))
		abort();
	return 0;
}
