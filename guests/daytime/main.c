/*
 * daytime — the daytime service (TCP port 13): to each connection one line
 * with the current UTC time ("2026-12-02 03:40:00 UTC"), then close. The
 * network is vif 0 of the device page, through lwIP (guests/lwip); without
 * a vif the guest says so and just stays up.
 */
#include <stdint.h>

#include <lwip/tcp.h>

#include <libos/console.h>
#include <libos/fmt.h>
#include <libos/time.h>

#include "vifnet.h"

#define DAYTIME_PORT 13

static int leap(uint64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Format UTC (sec) since 1970 as "YYYY-MM-DD HH:MM:SS UTC\r\n". */
static int format_utc(char *buf, size_t size, uint64_t sec)
{
	static const uint8_t mdays[12] = { 31, 28, 31, 30, 31, 30,
					   31, 31, 30, 31, 30, 31 };
	uint64_t days = sec / 86400, rem = sec % 86400, year = 1970;
	unsigned int month = 0;

	while (days >= (uint64_t)(365 + leap(year))) {
		days -= 365 + leap(year);
		year++;
	}
	while (days >= (uint64_t)(mdays[month] + (month == 1 && leap(year)))) {
		days -= mdays[month] + (month == 1 && leap(year));
		month++;
	}
	return lo_snprintf(buf, size, "%04u-%02u-%02u %02u:%02u:%02u UTC\r\n",
			   (unsigned int)year, month + 1,
			   (unsigned int)days + 1, (unsigned int)(rem / 3600),
			   (unsigned int)(rem / 60 % 60),
			   (unsigned int)(rem % 60));
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	char line[40];
	uint64_t sec = 0;
	uint32_t nsec;
	int n;

	(void)arg;
	if (err != ERR_OK || pcb == NULL)
		return ERR_VAL;
	libos_wallclock(&sec, &nsec);
	n = format_utc(line, sizeof(line), sec);
	/* No recv callback: lwIP drops what the client sends, then closes. */
	if (n <= 0 || tcp_write(pcb, line, (u16_t)n, TCP_WRITE_FLAG_COPY) !=
		      ERR_OK) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	tcp_output(pcb);
	if (tcp_close(pcb) != ERR_OK) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	return ERR_OK;
}

int main(void)
{
	return vifnet_main("daytime", DAYTIME_PORT, on_accept);
}
