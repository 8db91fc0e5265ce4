/*
 * log.c — the one error line of a failed command. With --log FILE it is
 * appended there, in runc's format (--log-format json: one object with
 * level, msg and time, which containerd's shim reads back and Docker
 * shows; text: time="..." level=error msg="..."), since the command's
 * stderr may be the container's own; without --log, to stderr. For the
 * commands whose stderr is not the container's (all but create), it goes
 * to stderr as well, as runc's does: containerd's shim reads kill's error
 * from the command's output ("container not running": the task has ended).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "oci.h"

static const char *log_path;
static bool log_json, log_stderr_too;

void oci_log_stderr_too(bool on)
{
	log_stderr_too = on;
}

void oci_log_setup(const char *path, bool json)
{
	log_path = path;
	log_json = json;
}

void oci_error(const char *fmt, ...)
{
	char msg[1024], when[40], *line = NULL;
	struct timespec ts;
	struct tm tm;
	va_list ap;
	json_object *o;
	int fd, n = -1;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!log_path) {
		fprintf(stderr, "lightvm-oci: %s\n", msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + strlen(when), sizeof(when) - strlen(when), ".%09ldZ",
		 ts.tv_nsec);
	if (log_json && (o = json_object_new_object())) {
		json_object_object_add(o, "level",
				       json_object_new_string("error"));
		json_object_object_add(o, "msg", json_object_new_string(msg));
		json_object_object_add(o, "time", json_object_new_string(when));
		n = asprintf(&line, "%s\n",
			     json_object_to_json_string_ext(
				 o, JSON_C_TO_STRING_PLAIN |
					JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else if (!log_json) {
		n = asprintf(&line, "time=\"%s\" level=error msg=\"%s\"\n",
			     when, msg);
	}
	fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (n < 0 || fd < 0 || write(fd, line, (size_t)n) != n || log_stderr_too)
		fprintf(stderr, "lightvm-oci: %s\n", msg);
	if (fd >= 0)
		close(fd);
	free(line);
}
