/*
 * oci.h — lightvm-oci, the OCI runtime for lvm guests (docs/oci.md).
 *
 *   spec.c     a bundle's config.json: what the guest becomes (image,
 *              command line, memory, vCPUs, name)
 *   state.c    the state of a container under --root: ROOT/ID/state.json,
 *              written atomically (a temporary file renamed over it)
 *   log.c      the one error line: stderr, or --log (runc's text or JSON)
 *   standin.c  the stand-in process: the container's pid, carrying the
 *              guest's console to its stdio and exiting with its status
 *   main.c     the command line and the commands (create, start, state,
 *              kill, delete, pause, resume, ps, features)
 *
 * Functions return 0 or -errno; those with (err, len) put one line there.
 */
#ifndef LVM_OCI_H
#define LVM_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <lvm.h>

#define OCI_ANNOT_IMAGE	  "org.lvm.image" /* image path inside the root fs */
#define OCI_DEFAULT_IMAGE "/lvm.xen"	  /* when nothing else names one */
/* CRI's annotation of a pod's sandbox (its pause container), which
 * becomes a stand-in with no guest: the pod's guests are its containers */
#define OCI_ANNOT_CRI_TYPE "io.kubernetes.cri.container-type"
#define OCI_NAME_PREFIX	   "oci-"     /* guest names: oci-<id> */
#define OCI_ID_MAX	   1024	      /* bytes of a container id */
#define OCI_CMDLINE_MAX	   1023	      /* a PV guest's command line */
#define OCI_CONFIG_MAX	   (4u << 20) /* bytes of config.json */
/* A bundle with no lvm image: a Linux VM of its root fs (lvm build
 * --linux --sysroot), cached under --cache-dir, one directory per
 * manifest, built as OCI_LINUX_NAME.{cfg,cpio.xz,vmlinuz}. */
#define OCI_DEFAULT_PATH                                                       \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define OCI_DEFAULT_CACHE  "/var/cache/lightvm-oci"
#define OCI_LINUX_NAME	   "vm"
#define OCI_LINUX_ARGS_MAX 64 /* words of args, and of env (the VM's
				 init takes 128) */
#define OCI_LINUX_WORDS_MAX 60000 /* bytes of argv, and of env (the init
				     reads 64 KiB) */
#define OCI_LINUX_MANIFEST_MAX 16384

/* Exit statuses of the stand-in (the container's exit status). */
#define OCI_EXIT_POWEROFF 0 /* the guest powered off (or rebooted) */
#define OCI_EXIT_CRASH	  1 /* the guest crashed */
#define OCI_EXIT_KILLED                                                        \
	137		  /* destroyed: kill SIGKILL, or a shutdown
				  that timed out (128 + SIGKILL) */
#define OCI_EXIT_LOST 255 /* lvmd went away: the guest's fate unknown */

/* What config.json says, as far as lvm uses it. */
struct oci_spec {
	char *oci_version;
	char *root;  /* root.path, made absolute against the bundle */
	char **args; /* process.args, NULL-terminated */
	size_t nargs;
	char **env; /* process.env, NULL-terminated */
	size_t nenv;
	bool terminal;	   /* process.terminal */
	char *image;	   /* the org.lvm.image annotation, or NULL */
	bool sandbox;	   /* CRI's pod sandbox: no guest */
	char *annotations; /* the annotations object as JSON text, or NULL */
	uint64_t memory_limit; /* linux.resources.memory.limit; 0: none */
	uint64_t cpu_quota;    /* linux.resources.cpu.quota; 0: none */
	uint64_t cpu_period;
	char *cpus; /* linux.resources.cpu.cpus ("0-3,5"), or NULL */
};

/* oci_spec_parse() - (json) (config.json's text) of the bundle at
 * (bundle) (an absolute path) into (s). -EINVAL with one line in (err)
 * for bad JSON, a wrong type, or no process.args / root.path. */
int oci_spec_parse(const char *bundle, const char *json, struct oci_spec *s,
		   char *err, size_t len);
/* oci_spec_load() - read BUNDLE/config.json and parse it. */
int oci_spec_load(const char *bundle, struct oci_spec *s, char *err,
		  size_t len);
void oci_spec_clear(struct oci_spec *s);

/*
 * oci_spec_image() - the guest image of (s): the org.lvm.image annotation,
 * else process.args[0] if it ends in ".xen", else OCI_DEFAULT_IMAGE; a
 * path inside the root fs (no "..", no way out of it through a link),
 * a regular file. Its host path goes to (path) and how many of args it
 * used (0 or 1: args[0] was the image) to (*skip).
 */
int oci_spec_image(const struct oci_spec *s, char *path, size_t pathlen,
		   size_t *skip, char *err, size_t len);

/* oci_spec_names_image() - (s) names its image: the org.lvm.image
 * annotation, or process.args[0] ending in ".xen". */
bool oci_spec_names_image(const struct oci_spec *s);

/*
 * oci_spec_program() - for a bundle with no lvm image: process.args[0]
 * as a program of its root file system, looked for in process.env's
 * PATH (else OCI_DEFAULT_PATH) when it has no '/'; an executable regular
 * file, its links followed inside the root fs (toolstack/common/
 * rootpath.h). Its path inside the root fs (as found, not with its links
 * followed: a program may look at the name it was run by) into (path).
 * -ENOENT with one line in (err) when there is none.
 */
int oci_spec_program(const struct oci_spec *s, char *path, size_t pathlen,
		     char *err, size_t len);

/*
 * oci_spec_linux_manifest() - the manifest (app.cfg, docs/build.md) of
 * the Linux VM that runs (program) of (s)'s root fs, for `lvm build
 * --linux --sysroot`: the program alone, so one VM serves every
 * container that runs it, whatever its args and env (given to each
 * container's VM apart: oci_spec_linux_argv). -EINVAL for a program path
 * with a control character, '"' or '\\'; one line in (err).
 */
int oci_spec_linux_manifest(const struct oci_spec *s, const char *program,
			    char *buf, size_t buflen, char *err, size_t len);

/*
 * oci_spec_linux_argv() - what the VM's init runs: (program) then
 * process.args[1..] into (argv), process.env into (env), each word
 * NUL-ended (its /etc/lvm/argv and /etc/lvm/env), each buffer of
 * OCI_LINUX_WORDS_MAX bytes; their lengths into (*argvlen, *envlen).
 * -EINVAL for more than OCI_LINUX_ARGS_MAX words, -E2BIG when they do
 * not fit; one line in (err).
 */
int oci_spec_linux_argv(const struct oci_spec *s, const char *program,
			char *argv, size_t *argvlen, char *env, size_t *envlen,
			char *err, size_t len);

/* oci_hash() - FNV-1a, 64 bits, of (s). */
uint64_t oci_hash(const char *s);

/* oci_spec_cmdline() - args[skip..] then env, as words separated by one
 * space (a word with a blank, quote or backslash in double quotes, \" and
 * \\ escaped; a control byte refused), at most OCI_CMDLINE_MAX bytes. */
int oci_spec_cmdline(const struct oci_spec *s, size_t skip, char *buf,
		     size_t buflen, char *err, size_t len);

/* oci_spec_memory_mb() - the memory limit in MiB, rounded up; no limit:
 * LVM_DEFAULT_MEMORY_MB; out of lvm's bounds: -EINVAL. */
int oci_spec_memory_mb(const struct oci_spec *s, uint32_t *mb, char *err,
		       size_t len);

/* oci_spec_vcpus() - ceil(quota / period), else the count of cpus, else
 * LVM_DEFAULT_VCPUS; over LVM_MAX_VCPUS: -EINVAL. */
int oci_spec_vcpus(const struct oci_spec *s, uint32_t *vcpus, char *err,
		   size_t len);

/* oci_id_check() - a container id: 1..OCI_ID_MAX bytes of
 * [A-Za-z0-9_.+-], not "." or "..". 0 or -EINVAL. */
int oci_id_check(const char *id);

/* oci_guest_name() - the guest's name for container (id): "oci-ID" when
 * that is a valid lvm name, else "oci-" + the id's first 42 name bytes +
 * "-" + 16 hex digits of its hash. */
void oci_guest_name(const char *id, char out[LVM_NAME_MAX + 1]);

/* A container's state (ROOT/ID/state.json). */
enum oci_status {
	OCI_CREATED = 0,
	OCI_RUNNING = 1,
	OCI_PAUSED = 2,
	OCI_STOPPED = 3,
};

struct oci_state {
	char id[OCI_ID_MAX + 1];
	char guest[LVM_NAME_MAX + 1]; /* "": a pod sandbox, no guest */
	uint32_t domid;
	pid_t pid;		/* the stand-in */
	uint64_t pid_start;	/* its start time (/proc/PID/stat) */
	enum oci_status status; /* as recorded (never STOPPED) */
	char *bundle;
	char *rootfs;
	char created[40];  /* RFC 3339, UTC */
	char *annotations; /* JSON object text, or NULL */
};

const char *oci_status_name(enum oci_status s);
void oci_state_clear(struct oci_state *st);
/* oci_state_write() - (st) into DIR/state.json atomically. */
int oci_state_write(const char *dir, const struct oci_state *st, char *err,
		    size_t len);
/* oci_state_read() - DIR/state.json into (st): -ENOENT when absent,
 * -EINVAL when it is not a state this program wrote. */
int oci_state_read(const char *dir, struct oci_state *st, char *err,
		   size_t len);
/* oci_state_json() - the OCI state of (st) with (status), as
 * `state` prints it: malloc'd, NULL on ENOMEM. */
char *oci_state_json(const struct oci_state *st, enum oci_status status);
/* oci_pid_start() - start time of (pid) (field 22 of /proc/PID/stat), 0
 * when there is no such process. */
uint64_t oci_pid_start(pid_t pid);
/* oci_standin_alive() - (st)'s stand-in still runs (same pid, same start). */
bool oci_standin_alive(const struct oci_state *st);
/* oci_write_file() - (data) into (path) atomically (PATH.tmp renamed). */
int oci_write_file(const char *path, const char *data, size_t n);

/* log.c: where the error line goes. */
void oci_log_setup(const char *path, bool json);
/* oci_log_stderr_too() - with --log, the error line to stderr as well (the
 * commands whose stderr is not the container's). */
void oci_log_stderr_too(bool on);
void oci_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* standin.c */
struct oci_standin {
	const char *sock;  /* lvmd's socket */
	const char *guest; /* the guest's name */
	const char *dir;   /* ROOT/ID */
	int cons;	   /* the guest's console (attached); -1:
					a sandbox, waiting for a stop signal */
	int in, out, err;  /* the container's stdio (or the pty) */
	int ready;	   /* write end: one byte once set up */
	const char *program; /* a Linux VM's: its init's last line
				"lvm-init: PROGRAM exited with status N"
				gives the exit status; NULL: a unikernel */
};
/* oci_standin_run() - the stand-in's life; returns its exit status. */
int oci_standin_run(const struct oci_standin *s);
#define OCI_KILLED_MARK "killed" /* ROOT/ID/killed: destroyed by kill */

#endif
