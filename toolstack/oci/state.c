/*
 * state.c — a container's state under --root: ROOT/ID/state.json, written
 * whole to state.json.tmp and renamed over it, so a reader sees the old
 * state or the new one, never a part. The stand-in is known by its pid and
 * its start time, so a reused pid never reads as the container's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "oci.h"

static const char *const status_names[] = {
    [OCI_CREATED] = "created",
    [OCI_RUNNING] = "running",
    [OCI_PAUSED] = "paused",
    [OCI_STOPPED] = "stopped",
};

const char *oci_status_name(enum oci_status s)
{
	return (unsigned)s <= OCI_STOPPED ? status_names[s] : "unknown";
}

void oci_state_clear(struct oci_state *st)
{
	if (!st)
		return;
	free(st->bundle);
	free(st->rootfs);
	free(st->annotations);
	memset(st, 0, sizeof(*st));
}

int oci_write_file(const char *path, const char *data, size_t n)
{
	char tmp[PATH_MAX];
	size_t done = 0;
	ssize_t w;
	int fd, rc = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (done < n && (w = write(fd, data + done, n - done)) > 0)
		done += (size_t)w;
	if (done < n)
		rc = errno ? -errno : -EIO;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

/* base: the fields of the OCI state; the caller adds its own. */
static json_object *base(const struct oci_state *st, enum oci_status status)
{
	json_object *o = json_object_new_object(), *ann = NULL;

	if (!o)
		return NULL;
	json_object_object_add(o, "ociVersion",
			       json_object_new_string("1.0.2"));
	json_object_object_add(o, "id", json_object_new_string(st->id));
	json_object_object_add(
	    o, "pid", json_object_new_int(status == OCI_STOPPED ? 0 : st->pid));
	json_object_object_add(o, "status",
			       json_object_new_string(oci_status_name(status)));
	json_object_object_add(
	    o, "bundle", json_object_new_string(st->bundle ? st->bundle : ""));
	json_object_object_add(
	    o, "rootfs", json_object_new_string(st->rootfs ? st->rootfs : ""));
	json_object_object_add(o, "created",
			       json_object_new_string(st->created));
	json_object_object_add(o, "owner", json_object_new_string(""));
	if (st->annotations)
		ann = json_tokener_parse(st->annotations);
	json_object_object_add(o, "annotations",
			       ann ? ann : json_object_new_object());
	return o;
}

char *oci_state_json(const struct oci_state *st, enum oci_status status)
{
	json_object *o = base(st, status);
	char *s;

	if (!o)
		return NULL;
	s = strdup(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

int oci_state_write(const char *dir, const struct oci_state *st, char *err,
		    size_t len)
{
	char path[PATH_MAX];
	json_object *o = base(st, st->status);
	const char *text;
	int rc;

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "lvm_guest",
			       json_object_new_string(st->guest));
	json_object_object_add(o, "lvm_domid",
			       json_object_new_int64(st->domid));
	json_object_object_add(o, "lvm_pid_start",
			       json_object_new_uint64(st->pid_start));
	text = json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	snprintf(path, sizeof(path), "%s/state.json", dir);
	rc = oci_write_file(path, text, strlen(text));
	if (rc < 0)
		snprintf(err, len, "cannot write %s: %s", path, strerror(-rc));
	json_object_put(o);
	return rc;
}

/* field: (o).(key) as a string, or NULL. */
static const char *field(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int64_t field_int(json_object *o, const char *key, bool *ok)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int)) {
		*ok = false;
		return 0;
	}
	return json_object_get_int64(v);
}

int oci_state_read(const char *dir, struct oci_state *st, char *err, size_t len)
{
	char path[PATH_MAX];
	json_object *o, *ann;
	const char *id, *guest, *status, *bundle, *rootfs, *created;
	bool ok = true;
	int64_t pid, domid, start;
	int rc = -EINVAL;

	memset(st, 0, sizeof(*st));
	snprintf(path, sizeof(path), "%s/state.json", dir);
	if (access(path, F_OK) < 0) {
		rc = -errno;
		snprintf(err, len, "cannot read %s: %s", path, strerror(errno));
		return rc;
	}
	o = json_object_from_file(path);
	if (!o) {
		snprintf(err, len, "%s: not a state lightvm-oci wrote", path);
		return -EINVAL;
	}
	id = field(o, "id");
	guest = field(o, "lvm_guest");
	status = field(o, "status");
	bundle = field(o, "bundle");
	rootfs = field(o, "rootfs");
	created = field(o, "created");
	pid = field_int(o, "pid", &ok);
	domid = field_int(o, "lvm_domid", &ok);
	start = field_int(o, "lvm_pid_start", &ok);
	if (!ok || !id || !guest || !status || !bundle || !rootfs || !created ||
	    strlen(id) > OCI_ID_MAX || (guest[0] && lvm_name_check(guest)) ||
	    pid < 0 || pid > INT32_MAX || domid < 0 || domid > UINT32_MAX ||
	    start < 0)
		goto bad;
	for (st->status = OCI_CREATED; st->status < OCI_STOPPED; st->status++)
		if (!strcmp(status, status_names[st->status]))
			break;
	if (st->status == OCI_STOPPED)
		goto bad;
	snprintf(st->id, sizeof(st->id), "%s", id);
	snprintf(st->guest, sizeof(st->guest), "%s", guest);
	snprintf(st->created, sizeof(st->created), "%s", created);
	st->pid = (pid_t)pid;
	st->domid = (uint32_t)domid;
	st->pid_start = (uint64_t)start;
	st->bundle = strdup(bundle);
	st->rootfs = strdup(rootfs);
	if (json_object_object_get_ex(o, "annotations", &ann) &&
	    json_object_is_type(ann, json_type_object) &&
	    json_object_object_length(ann))
		st->annotations = strdup(json_object_to_json_string_ext(
		    ann,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	if (!st->bundle || !st->rootfs) {
		oci_state_clear(st);
		return -ENOMEM;
	}
	return 0;
bad:
	json_object_put(o);
	snprintf(err, len, "%s: not a state lightvm-oci wrote", path);
	memset(st, 0, sizeof(*st));
	return rc;
}

uint64_t oci_pid_start(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	ssize_t n;
	int fd;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* after "(comm)", which may hold anything: state is field 3 */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* fields 3..22: skip 19 blanks to reach starttime */
	for (int f = 0; f < 20 && p; f++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &start) != 1)
		return 0;
	/* a zombie has exited: it is no stand-in any more */
	if (strstr(buf, ") Z ") || strstr(buf, ") X "))
		return 0;
	return start;
}

bool oci_standin_alive(const struct oci_state *st)
{
	return st->pid > 0 && st->pid_start &&
	       oci_pid_start(st->pid) == st->pid_start;
}
