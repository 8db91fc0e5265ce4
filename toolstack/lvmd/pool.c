/*
 * pool.c — the bookkeeping of lvmd's shell pools (see pool.h). Pure: no
 * locking, no Xen.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

void lvmd_pool_init(struct lvmd_pool *p)
{
	memset(p, 0, sizeof(*p));
}

void lvmd_pool_fini(struct lvmd_pool *p, void (*discard)(void *, void *),
		    void *arg)
{
	for (unsigned i = 0; i < p->nshapes; i++) {
		struct lvmd_pool_shape *sh = &p->shape[i];

		while (sh->s.ready > 0) {
			void *x = sh->ready[--sh->s.ready];

			if (discard)
				discard(arg, x);
		}
		while (sh->nretired > 0) {
			void *x = sh->retired[--sh->nretired];

			if (discard)
				discard(arg, x);
		}
		free(sh->ready);
		free(sh->retired);
	}
	memset(p, 0, sizeof(*p));
}

static struct lvmd_pool_shape *find(struct lvmd_pool *p, uint32_t memory_mb,
				    uint32_t vcpus)
{
	for (unsigned i = 0; i < p->nshapes; i++)
		if (p->shape[i].s.memory_mb == memory_mb &&
		    p->shape[i].s.vcpus == vcpus)
			return &p->shape[i];
	return NULL;
}

/* reserve: room in (sh)'s stack for (n) shells. */
static int reserve(struct lvmd_pool_shape *sh, uint32_t n)
{
	void **r;

	if (n <= sh->cap)
		return 0;
	r = realloc(sh->ready, n * sizeof(*r));
	if (!r)
		return -ENOMEM;
	sh->ready = r;
	sh->cap = n;
	return 0;
}

/* retire: move (sh)'s ready shells to its retired ones; -ENOMEM. */
static int retire(struct lvmd_pool_shape *sh)
{
	uint32_t n = sh->nretired + sh->s.ready;
	void **r;

	if (n > sh->retcap) {
		r = realloc(sh->retired, n * sizeof(*r));
		if (!r)
			return -ENOMEM;
		sh->retired = r;
		sh->retcap = n;
	}
	while (sh->s.ready > 0)
		sh->retired[sh->nretired++] = sh->ready[--sh->s.ready];
	sh->gen++;
	sh->s.error[0] = '\0';          /* it was about the old image */
	return 0;
}

void lvmd_pool_retire(struct lvmd_pool *p, uint32_t memory_mb,
		      uint32_t vcpus)
{
	struct lvmd_pool_shape *sh = find(p, memory_mb, vcpus);

	if (sh)
		(void)retire(sh);
}

/* set_image: (sh)'s image becomes (image) (NULL: none); 0 or -ENOMEM. */
static int set_image(struct lvmd_pool_shape *sh, const char *image)
{
	if (!image)
		image = "";
	if (strcmp(sh->s.image, image) == 0)
		return 0;
	if (retire(sh) < 0)
		return -ENOMEM;
	strcpy(sh->s.image, image);
	return 0;
}

bool lvmd_pool_image_ok(const char *image)
{
	return image[0] == '/' && strlen(image) < LVMD_POOL_IMAGE_MAX;
}

int lvmd_pool_set(struct lvmd_pool *p, uint32_t memory_mb, uint32_t vcpus,
		  uint32_t target, const char *image)
{
	struct lvmd_pool_shape *sh;

	if (memory_mb == 0 || vcpus == 0 || target > LVMD_POOL_TARGET_MAX)
		return -EINVAL;
	if (image && image[0] && !lvmd_pool_image_ok(image))
		return -EINVAL;
	sh = find(p, memory_mb, vcpus);
	if (!sh) {
		if (p->nshapes == LVMD_POOL_SHAPES)
			return -ENOSPC;
		sh = &p->shape[p->nshapes];
		memset(sh, 0, sizeof(*sh));
		sh->s.memory_mb = memory_mb;
		sh->s.vcpus = vcpus;
		if (reserve(sh, target) < 0)
			return -ENOMEM;
		p->nshapes++;
	} else if (reserve(sh, target) < 0) {
		return -ENOMEM;
	}
	if (set_image(sh, image) < 0)
		return -ENOMEM;
	sh->s.target = target;
	return 0;
}

void lvmd_pool_miss(struct lvmd_pool *p, uint32_t memory_mb, uint32_t vcpus)
{
	struct lvmd_pool_shape *sh = find(p, memory_mb, vcpus);

	if (sh)
		sh->s.misses++;
	else
		p->other_misses++;
}

void *lvmd_pool_claim(struct lvmd_pool *p, uint32_t memory_mb, uint32_t vcpus,
		      bool (*fits)(const void *shell, const void *arg),
		      const void *arg)
{
	struct lvmd_pool_shape *sh = find(p, memory_mb, vcpus);

	if (!sh) {
		p->other_misses++;
		return NULL;
	}
	if (sh->s.ready == 0) {
		sh->s.misses++;
		return NULL;
	}
	if (fits && !fits(sh->ready[sh->s.ready - 1], arg)) {
		(void)retire(sh);
		sh->s.misses++;
		return NULL;
	}
	sh->s.hits++;
	return sh->ready[--sh->s.ready];
}

bool lvmd_pool_next(struct lvmd_pool *p, struct lvmd_pool_job *job)
{
	for (unsigned i = 0; i < p->nshapes; i++) {
		struct lvmd_pool_shape *sh = &p->shape[i];

		if ((uint64_t)sh->s.ready + sh->s.preparing < sh->s.target) {
			sh->s.preparing++;
			job->memory_mb = sh->s.memory_mb;
			job->vcpus = sh->s.vcpus;
			job->gen = sh->gen;
			strcpy(job->image, sh->s.image);
			return true;
		}
	}
	return false;
}

bool lvmd_pool_done(struct lvmd_pool *p, const struct lvmd_pool_job *job,
		    void *shell)
{
	struct lvmd_pool_shape *sh = find(p, job->memory_mb, job->vcpus);

	if (!sh)
		return false;
	if (sh->s.preparing > 0)
		sh->s.preparing--;
	if (shell && sh->gen == job->gen)
		sh->s.error[0] = '\0';
	if (!shell || sh->gen != job->gen || sh->s.ready >= sh->s.target ||
	    reserve(sh, sh->s.ready + 1) < 0)
		return false;
	sh->ready[sh->s.ready++] = shell;
	return true;
}

bool lvmd_pool_fail(struct lvmd_pool *p, const struct lvmd_pool_job *job,
		    const char *msg)
{
	struct lvmd_pool_shape *sh = find(p, job->memory_mb, job->vcpus);
	const char *q = msg;
	char line[LVM_POOL_ERROR_MAX];

	if (!sh || sh->gen != job->gen)
		return false;
	/* "dN: ", the domain the failure named, is gone. */
	if (q[0] == 'd' && q[1] >= '0' && q[1] <= '9') {
		q++;
		while (*q >= '0' && *q <= '9')
			q++;
		q = q[0] == ':' && q[1] == ' ' ? q + 2 : msg;
	}
	snprintf(line, sizeof(line), "%s", q);
	if (strcmp(line, sh->s.error) == 0)
		return false;
	memcpy(sh->s.error, line, sizeof(line));
	return true;
}

void *lvmd_pool_excess(struct lvmd_pool *p)
{
	for (unsigned i = 0; i < p->nshapes; i++) {
		struct lvmd_pool_shape *sh = &p->shape[i];

		if (sh->nretired > 0)
			return sh->retired[--sh->nretired];
		if (sh->s.ready > sh->s.target)
			return sh->ready[--sh->s.ready];
	}
	return NULL;
}

void *lvmd_pool_steal(struct lvmd_pool *p, uint32_t memory_mb,
		      uint32_t vcpus, uint32_t *freed_mb)
{
	struct lvmd_pool_shape *best = NULL;

	for (unsigned i = 0; i < p->nshapes; i++) {
		struct lvmd_pool_shape *sh = &p->shape[i];

		if (sh->s.ready == 0 ||
		    (sh->s.memory_mb == memory_mb && sh->s.vcpus == vcpus))
			continue;
		if (!best || sh->s.memory_mb > best->s.memory_mb)
			best = sh;
	}
	if (!best)
		return NULL;
	*freed_mb = best->s.memory_mb;
	return best->ready[--best->s.ready];
}

const char *lvmd_pool_image(const struct lvmd_pool *p, uint32_t memory_mb,
			    uint32_t vcpus)
{
	for (unsigned i = 0; i < p->nshapes; i++)
		if (p->shape[i].s.memory_mb == memory_mb &&
		    p->shape[i].s.vcpus == vcpus)
			return p->shape[i].s.image;
	return NULL;
}

uint64_t lvmd_pool_ready_mb(const struct lvmd_pool *p)
{
	uint64_t mb = 0;

	for (unsigned i = 0; i < p->nshapes; i++)
		mb += (uint64_t)p->shape[i].s.ready * p->shape[i].s.memory_mb;
	return mb;
}

/* number: a decimal uint32 at (*s), which is moved past it. */
static int number(const char **s, uint32_t *v)
{
	unsigned long long n = 0;
	const char *q = *s;

	if (*q < '0' || *q > '9')
		return -EINVAL;
	while (*q >= '0' && *q <= '9') {
		n = n * 10 + (unsigned)(*q++ - '0');
		if (n > UINT32_MAX)
			return -EINVAL;
	}
	*v = (uint32_t)n;
	*s = q;
	return 0;
}

static void skip_sep(const char **s)
{
	const char *q = *s;

	if (*q == ':' || *q == 'x')
		q++;
	else
		while (*q == ' ' || *q == '\t')
			q++;
	*s = q;
}

int lvmd_pool_parse(const char *s, uint32_t *memory_mb, uint32_t *vcpus,
		    uint32_t *target, char *image)
{
	const char *q = s, *end;
	uint32_t m, v, t;
	size_t n;

	if (number(&q, &m) < 0)
		return -EINVAL;
	skip_sep(&q);
	if (number(&q, &v) < 0)
		return -EINVAL;
	skip_sep(&q);
	if (number(&q, &t) < 0)
		return -EINVAL;
	if (*q == ':')
		q++;
	while (*q == ' ' || *q == '\t')
		q++;
	/* the image: up to the end, less trailing blanks */
	end = q + strlen(q);
	while (end > q && (end[-1] == ' ' || end[-1] == '\t' ||
			   end[-1] == '\n' || end[-1] == '\r'))
		end--;
	n = (size_t)(end - q);
	if ((n > 0 && (*q != '/' || n >= LVMD_POOL_IMAGE_MAX)) || m == 0 ||
	    v == 0 || t > LVMD_POOL_TARGET_MAX)
		return -EINVAL;
	memcpy(image, q, n);
	image[n] = '\0';
	*memory_mb = m;
	*vcpus = v;
	*target = t;
	return 0;
}
