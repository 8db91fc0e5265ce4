/*
 * timer.c — one-shot timers in a list sorted by deadline (see
 * libos/loop.h). Single vCPU, no interrupts: nothing runs concurrently.
 */
#include <stddef.h>
#include <stdint.h>

#include <libos/loop.h>

static struct libos_timer *head;        /* earliest first */

void libos_timer_init(struct libos_timer *t, libos_timer_fn *fn, void *arg)
{
	t->deadline_ns = 0;
	t->fn = fn;
	t->arg = arg;
	t->next = NULL;
	t->armed = 0;
}

void libos_timer_cancel(struct libos_timer *t)
{
	struct libos_timer **pp;

	if (!t->armed)
		return;
	for (pp = &head; *pp != NULL; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->next = NULL;
	t->armed = 0;
}

void libos_timer_arm(struct libos_timer *t, uint64_t deadline_ns)
{
	struct libos_timer **pp;

	libos_timer_cancel(t);
	t->deadline_ns = deadline_ns;
	for (pp = &head; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->deadline_ns > deadline_ns)
			break;
	t->next = *pp;
	*pp = t;
	t->armed = 1;
}

uint64_t libos_timer_next(void)
{
	return head != NULL ? (head->deadline_ns != 0 ? head->deadline_ns : 1)
			    : 0;
}

int libos_timer_run(uint64_t now_ns)
{
	struct libos_timer *t;
	int n = 0;

	while (head != NULL && head->deadline_ns <= now_ns) {
		t = head;
		head = t->next;
		t->next = NULL;
		t->armed = 0;
		t->fn(t);
		n++;
	}
	return n;
}
