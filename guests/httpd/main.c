/*
 * httpd — an HTTP/1.1 server of one fixed page on TCP port 80, with
 * keep-alive: requests on a connection are answered in order until the
 * client closes, sends "Connection: close", or speaks HTTP/1.0 without
 * "Connection: keep-alive". GET and HEAD of any path get the page; other
 * methods 405, a malformed or oversized request 400 and a close. The
 * network is vif 0 through lwIP (guests/lwip); without a vif the guest
 * says so and stays up.
 */
#include <stddef.h>
#include <stdint.h>

#include <lwip/tcp.h>

#include <libos/console.h>
#include <libos/fmt.h>
#include <libos/string.h>

#include "vifnet.h"

#define HTTP_PORT 80
#define MAX_CONNS 32
#define REQ_MAX 2048                    /* request head, bytes */

static const char page[] =
	"<!DOCTYPE html>\n<html><head><title>lvm httpd</title></head>\n"
	"<body><h1>Hello from an lvm guest</h1></body></html>\n";

struct conn {
	struct tcp_pcb *pcb;
	size_t len;                     /* bytes in req */
	char req[REQ_MAX];
};

static struct conn conns[MAX_CONNS];

/* The index of the first "\r\n\r\n" ending at or before (len), or 0. */
static size_t head_end(const char *b, size_t len)
{
	for (size_t i = 3; i < len; i++)
		if (b[i - 3] == '\r' && b[i - 2] == '\n' && b[i - 1] == '\r' &&
		    b[i] == '\n')
			return i + 1;
	return 0;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* True if the head (b, len) has a line starting with (prefix), case-blind. */
static int has_line(const char *b, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	for (size_t i = 0; i + n <= len; i++) {
		size_t k = 0;

		if (i != 0 && b[i - 1] != '\n')
			continue;
		while (k < n && lower(b[i + k]) == prefix[k])
			k++;
		if (k == n)
			return 1;
	}
	return 0;
}

static int starts(const char *b, size_t len, const char *s)
{
	size_t n = strlen(s);

	return len >= n && memcmp(b, s, n) == 0;
}

static void conn_free(struct conn *c)
{
	if (c->pcb != NULL) {
		tcp_arg(c->pcb, NULL);
		tcp_recv(c->pcb, NULL);
		tcp_err(c->pcb, NULL);
	}
	c->pcb = NULL;
	c->len = 0;
}

static void conn_close(struct conn *c)
{
	struct tcp_pcb *pcb = c->pcb;

	conn_free(c);
	if (pcb != NULL && tcp_close(pcb) != ERR_OK)
		tcp_abort(pcb);
}

/*
 * Answer the request head (b, n). Returns 1 to keep the connection,
 * 0 to close it after the answer, -1 if the answer could not be queued.
 */
static int answer(struct conn *c, const char *b, size_t n)
{
	int head = starts(b, n, "HEAD "), get = starts(b, n, "GET ");
	int http10 = 0, keep, status;
	char hdr[192];
	size_t line = 0;
	int len;

	while (line + 1 < n && !(b[line] == '\r' && b[line + 1] == '\n'))
		line++;
	if (line >= 9 && memcmp(b + line - 9, " HTTP/1.0", 9) == 0)
		http10 = 1;
	else if (!(line >= 9 && memcmp(b + line - 9, " HTTP/1.1", 9) == 0))
		get = head = 0, http10 = -1;
	keep = http10 ? has_line(b, n, "connection: keep-alive")
		      : !has_line(b, n, "connection: close");
	status = get || head ? 200 : http10 < 0 ? 400 : 405;
	if (status != 200)
		keep = 0;
	len = lo_snprintf(hdr, sizeof(hdr),
			  "HTTP/1.1 %d %s\r\nContent-Type: text/html\r\n"
			  "Content-Length: %u\r\nConnection: %s\r\n\r\n",
			  status, status == 200 ? "OK" : status == 400 ?
			  "Bad Request" : "Method Not Allowed",
			  status == 200 ? (unsigned int)(sizeof(page) - 1) : 0,
			  keep ? "keep-alive" : "close");
	if (len <= 0 || tcp_write(c->pcb, hdr, (u16_t)len,
				  TCP_WRITE_FLAG_COPY) != ERR_OK)
		return -1;
	if (get && tcp_write(c->pcb, page, sizeof(page) - 1, 0) != ERR_OK)
		return -1;
	return keep;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct conn *c = arg;
	size_t end;
	int keep = 1;

	(void)err;
	if (p == NULL) {
		conn_close(c);
		return ERR_OK;
	}
	tcp_recved(pcb, p->tot_len);
	if (c->len + p->tot_len > REQ_MAX) {
		pbuf_free(p);
		c->len = 0;
		answer(c, "", 0);        /* 400 */
		tcp_output(pcb);
		conn_close(c);
		return ERR_OK;
	}
	pbuf_copy_partial(p, c->req + c->len, p->tot_len, 0);
	c->len += p->tot_len;
	pbuf_free(p);
	while (keep == 1 && (end = head_end(c->req, c->len)) != 0) {
		keep = answer(c, c->req, end);
		memmove(c->req, c->req + end, c->len - end);
		c->len -= end;
	}
	tcp_output(pcb);
	if (keep == 0) {
		conn_close(c);
	} else if (keep < 0) {
		conn_free(c);
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
	(void)err;
	if (arg != NULL)
		((struct conn *)arg)->pcb = NULL;  /* lwIP freed the pcb */
	if (arg != NULL)
		conn_free(arg);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || pcb == NULL)
		return ERR_VAL;
	for (int i = 0; i < MAX_CONNS; i++) {
		if (conns[i].pcb != NULL)
			continue;
		conns[i].pcb = pcb;
		conns[i].len = 0;
		tcp_arg(pcb, &conns[i]);
		tcp_recv(pcb, on_recv);
		tcp_err(pcb, on_err);
		return ERR_OK;
	}
	tcp_abort(pcb);                 /* all connections busy */
	return ERR_ABRT;
}

int main(void)
{
	return vifnet_main("httpd", HTTP_PORT, on_accept);
}
