/* SPDX-License-Identifier: Apache-2.0 */
/* ovs-flowd.c -- the runtime daemon: options, daemon conventions (the OVS
 * daemon, vlog and unixctl libraries), the run/wait loop, topology reload
 * (SIGHUP, flowd/reload, or the file changing) and the unixctl commands.
 * The work is done by rt-ovsdb.c, rt-switch.c, rt-sync.c, rt-flows.c,
 * rt-log.c and the others rt.h lists. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "command-line.h"
#include "daemon.h"
#include "dirs.h"
#include "fatal-signal.h"
#include "hash.h"
#include "latch.h"
#include "model.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "openvswitch/poll-loop.h"
#include "rt.h"
#include "timeval.h"
#include "topo.h"
#include "unixctl.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(ovs_flowd);

/* Everything the daemon holds. */
struct flowd {
    char *topo_file;            /* Owned. */
    struct topo *topo;          /* Current topology, owned. */
    struct model *model;        /* Owned. */
    struct hmap bridges;        /* "struct rt_bridge"s by name. */
    struct ovsdb_idl *idl;      /* Owned. */
    unsigned int idl_seqno;
    bool ovsdb_dirty;           /* Re-run rt_ovsdb_run(). */
    struct rt_ovsdb_options ovsdb_opt;
    struct timespec mtime;      /* Of topo_file, for change detection. */
    off_t size;
    long long int next_stat;
    uint64_t n_reloads, n_reload_failures;
    bool exiting;
    struct ovs_list dumps;      /* "struct pending_dump"s. */
};

/* A flowd/dump waiting for its bridge's thread to be done, answered by
 * answer_dumps(): the main loop goes on meanwhile. */
struct pending_dump {
    struct ovs_list node;       /* In flowd.dumps. */
    struct unixctl_conn *conn;
    char *bridge;               /* Owned. */
};

static char *db_remote;
static bool attach_taps;
static char *unixctl_path;
static struct latch hup_latch;

static void
hup_handler(int sig OVS_UNUSED)
{
    latch_set(&hup_latch);      /* Async-signal-safe (a pipe write). */
}

static void
usage(void)
{
    printf("%s: keeps an Open vSwitch's flows as ovs-flowc compiles them\n"
           "usage: %s [OPTIONS] TOPO.json\n"
           "\n"
           "  --db=DATABASE         OVSDB (default: unix:%s/db.sock)\n"
           "  --create-bridges      create topology bridges missing in OVSDB\n"
           "  --datapath-type=TYPE  datapath type of created bridges\n"
           "  --unixctl=SOCKET      override the control socket\n"
           "  --attach-taps         add kernel links named like topology\n"
           "                        ports to their bridges\n"
           "  --audit-interval=SECS count our flows on the switch every\n"
           "                        SECS s, resync if changed (10; 0: off)\n"
           "  --verify-interval=SECS\n"
           "                        dump and digest our flows every SECS s,\n"
           "                        resync if changed (300; 0: off)\n"
           "  --verify-slice=FLOWS  dump a bigger table in slices of about\n"
           "                        FLOWS flows each (65536)\n"
           "  --bulk-load=MIN       load an empty bridge over several\n"
           "                        connections from MIN flows (2048; 0: off)\n",
           program_name, program_name, ovs_rundir());
    daemon_usage();
    vlog_usage();
    printf("  -h, --help            this help\n"
           "  -V, --version         version\n");
    exit(EXIT_SUCCESS);
}

/* The value of option --'option', a number of seconds from 0 to a day;
 * exits with an error if 'arg' is not one. */
static int
seconds_arg(const char *option, const char *arg)
{
    int secs;

    if (!str_to_int(arg, 10, &secs) || secs < 0 || secs > 86400) {
        ovs_fatal(0, "--%s: \"%s\" is not a number of seconds (0 to 86400)",
                  option, arg);
    }
    return secs;
}

/* The value of option --'option', a number of flows, 'min' or more;
 * exits with an error if 'arg' is not one. */
static int
flows_arg(const char *option, const char *arg, int min)
{
    int flows;

    if (!str_to_int(arg, 10, &flows) || flows < min) {
        ovs_fatal(0, "--%s: \"%s\" is not a number of flows (%d or more)",
                  option, arg, min);
    }
    return flows;
}

static char *
parse_options(int argc, char *argv[], struct flowd *fd)
{
    enum {
        OPT_DB = UCHAR_MAX + 1,
        OPT_CREATE_BRIDGES,
        OPT_DATAPATH_TYPE,
        OPT_UNIXCTL,
        OPT_ATTACH_TAPS,
        OPT_AUDIT_INTERVAL,
        OPT_VERIFY_INTERVAL,
        OPT_VERIFY_SLICE,
        OPT_BULK_LOAD,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"create-bridges", no_argument, NULL, OPT_CREATE_BRIDGES},
        {"datapath-type", required_argument, NULL, OPT_DATAPATH_TYPE},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"attach-taps", no_argument, NULL, OPT_ATTACH_TAPS},
        {"audit-interval", required_argument, NULL, OPT_AUDIT_INTERVAL},
        {"verify-interval", required_argument, NULL, OPT_VERIFY_INTERVAL},
        {"verify-slice", required_argument, NULL, OPT_VERIFY_SLICE},
        {"bulk-load", required_argument, NULL, OPT_BULK_LOAD},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        VLOG_LONG_OPTIONS,
        DAEMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(
        long_options);

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_DB:
            db_remote = xstrdup(optarg);
            break;
        case OPT_CREATE_BRIDGES:
            fd->ovsdb_opt.create_bridges = true;
            break;
        case OPT_DATAPATH_TYPE:
            fd->ovsdb_opt.datapath_type = xstrdup(optarg);
            break;
        case OPT_UNIXCTL:
            unixctl_path = xstrdup(optarg);
            break;
        case OPT_ATTACH_TAPS:
            attach_taps = true;
            break;
        case OPT_AUDIT_INTERVAL:
            rt_switch_set_audit(seconds_arg("audit-interval", optarg));
            break;
        case OPT_VERIFY_INTERVAL:
            rt_switch_set_verify(seconds_arg("verify-interval", optarg));
            break;
        case OPT_VERIFY_SLICE:
            rt_verify_set_slice(flows_arg("verify-slice", optarg, 1));
            break;
        case OPT_BULK_LOAD:
            rt_sync_set_bulk_load(flows_arg("bulk-load", optarg, 0));
            break;
        case 'h':
            usage();
            break;
        case 'V':
            ovs_print_version(0, 0);
            exit(EXIT_SUCCESS);
        VLOG_OPTION_HANDLERS
        DAEMON_OPTION_HANDLERS
        case '?':
            exit(EXIT_FAILURE);
        default:
            abort();
        }
    }
    free(short_options);
    if (optind != argc - 1) {
        ovs_fatal(0, "exactly one topology file is needed (use --help)");
    }
    if (!db_remote) {
        db_remote = xasprintf("unix:%s/db.sock", ovs_rundir());
    }
    return xstrdup(argv[optind]);
}

/* Loads the topology file; on errors returns NULL and puts the same
 * diagnostics as `ovs-flowc check` into 'errors'. */
static struct topo *
load_topology(const char *file, struct ds *errors)
{
    struct diag_list d;
    struct topo *t;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem;

    diag_list_init(&d, file);
    t = topo_load(file, &d);
    mem = open_memstream(&buf, &len);
    if (mem) {
        diag_print(&d, mem, true);
        fclose(mem);
        ds_put_cstr(errors, buf);
        free(buf);
    }
    diag_list_destroy(&d);
    return t;
}

static struct rt_bridge *
find_rt_bridge(struct flowd *fd, const char *name)
{
    struct rt_bridge *b;

    HMAP_FOR_EACH_WITH_HASH (b, node, hash_string(name, 0), &fd->bridges) {
        if (!strcmp(b->name, name)) {
            return b;
        }
    }
    return NULL;
}

/* While the main thread waits for the bridges' threads to be done
 * (rt_work_finish()), it keeps the OVSDB connection going (the IDL is
 * touched by nothing else). */
static void
idl_run(void *idl)
{
    ovsdb_idl_run(idl);
}

static void
idl_wait(void *idl)
{
    ovsdb_idl_wait(idl);
}

/* Makes 't' (owned from now on) the current topology. */
static void
apply_topology(struct flowd *fd, struct topo *t)
{
    struct model *m = model_build(t);
    struct rt_bridge *b;
    ovs_u128 topo_hash;

    hash_bytes128(t->text, t->text_len, 0, &topo_hash);

    /* The bridges' threads read the model, the topology and the ports'
     * ofports that change here (a verification need not end first). */
    HMAP_FOR_EACH (b, node, &fd->bridges) {
        rt_work_hurry(b);
    }
    rt_work_finish(&fd->bridges, idl_run, idl_wait, fd->idl);

    /* Bridges that left the topology are no longer managed: their last
     * flows stay on the switch (fail-secure, see ovs-flowd(8)) and
     * flowd/status lists them as having left. */
    HMAP_FOR_EACH (b, node, &fd->bridges) {
        b->br = NULL;
    }
    for (size_t i = 0; i < t->n_bridges; i++) {
        const struct topo_bridge *tb = t->bridges[i];
        b = find_rt_bridge(fd, tb->name);
        if (!b) {
            b = xzalloc(sizeof *b);
            b->name = xstrdup(tb->name);
            rt_table_init(&b->desired, false);
            rt_table_init(&b->installed, true);
            hmap_init(&b->counters);
            shash_init(&b->bind_by_name);
            shash_init(&b->bind_by_id);
            b->need_dump = true;
            hmap_insert(&fd->bridges, &b->node, hash_string(b->name, 0));
        }
        b->br = tb;
        b->topo_hash = topo_hash;
        b->bind_br = NULL;      /* 'tb' may sit where the last one did. */
        free(b->ofports);
        free(b->bound);
        free(b->ifaces);
        rt_bridge_forget_builds(b);
        b->ofports = xcalloc(tb->n_ports + 1, sizeof *b->ofports);
        b->bound = xcalloc(tb->n_ports + 1, sizeof *b->bound);
        b->ifaces = xcalloc(tb->n_ports + 1, sizeof *b->ifaces);
        b->in_db = false;       /* Rebound by rt_ovsdb_run(). */
        b->need_sync = true;
    }
    model_destroy(fd->model);
    topo_destroy(fd->topo);
    fd->topo = t;
    fd->model = m;
    fd->ovsdb_dirty = true;
}

static void
stat_topology(struct flowd *fd, struct timespec *mtime, off_t *size)
{
    struct stat st;

    if (stat(fd->topo_file, &st)) {
        memset(mtime, 0, sizeof *mtime);
        *size = -1;
    } else {
        *mtime = st.st_mtim;
        *size = st.st_size;
    }
}

/* Reloads the topology; returns NULL or the error text (caller frees). */
static char *
reload(struct flowd *fd, const char *why)
{
    struct ds errors = DS_EMPTY_INITIALIZER;
    struct topo *t;

    stat_topology(fd, &fd->mtime, &fd->size);
    t = load_topology(fd->topo_file, &errors);
    fd->n_reloads++;
    if (!t) {
        fd->n_reload_failures++;
        VLOG_ERR("reload (%s) of %s rejected; the previous flows stay "
                 "installed:", why, fd->topo_file);
        char *save = NULL;
        for (char *line = strtok_r(ds_cstr(&errors), "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
            VLOG_ERR("%s", line);
        }
        ds_destroy(&errors);
        return xasprintf("topology rejected; previous flows kept");
    }
    ds_destroy(&errors);
    VLOG_INFO("reload (%s) of %s: %"PRIuSIZE" bridges", why, fd->topo_file,
              t->n_bridges);
    apply_topology(fd, t);
    return NULL;
}

/* --- unixctl commands ------------------------------------------------- */

static void
cmd_status(struct unixctl_conn *conn, int argc OVS_UNUSED,
           const char *argv[] OVS_UNUSED, void *fd_)
{
    struct flowd *fd = fd_;
    struct ds s = DS_EMPTY_INITIALIZER;
    struct rt_bridge *b;

    ds_put_format(&s, "topology: %s (%"PRIu64" reloads, %"PRIu64
                  " rejected)\n", fd->topo_file, fd->n_reloads,
                  fd->n_reload_failures);
    ds_put_format(&s, "ovsdb: %s (%s)\n", db_remote,
                  ovsdb_idl_is_connected(fd->idl) ? "connected"
                  : "not connected");
    /* A busy bridge's thread may work for seconds (a read-back of
     * millions of flows): its status is told as it was when it started. */
    rt_work_reap(&fd->bridges);
    HMAP_FOR_EACH (b, node, &fd->bridges) {
        ds_put_format(&s, "bridge %s: ", b->name);
        if (rt_bridge_busy(b)) {
            rt_work_format_status(b, &s);
        } else {
            rt_bridge_format_status(b, &s);
        }
        ds_put_char(&s, '\n');
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
cmd_ports(struct unixctl_conn *conn, int argc OVS_UNUSED,
          const char *argv[] OVS_UNUSED, void *fd_)
{
    struct flowd *fd = fd_;
    struct ds s = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < fd->topo->n_bridges; i++) {
        const struct topo_bridge *tb = fd->topo->bridges[i];
        struct rt_bridge *b = find_rt_bridge(fd, tb->name);
        for (size_t j = 0; j < tb->n_ports; j++) {
            const struct topo_port *p = tb->ports[j];
            ds_put_format(&s, "%s %s %s ", tb->name, p->name,
                          topo_role_name(p->role));
            if (b && b->ofports[j]) {
                ds_put_format(&s, "ofport=%u bound", b->ofports[j]);
            } else {
                static const char *const names[] = {
                    [RT_UNBOUND] = "unbound", [RT_BOUND] = "bound",
                    [RT_TAKEN] = "taken",
                };
                ds_put_format(&s, "ofport=- %s",
                              names[b ? b->bound[j] : RT_UNBOUND]);
            }
            if (p->iface_id) {
                ds_put_format(&s, " iface-id=%s", p->iface_id);
            }
            ds_put_char(&s, '\n');
        }
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
cmd_drops(struct unixctl_conn *conn, int argc OVS_UNUSED,
          const char *argv[] OVS_UNUSED, void *fd_)
{
    struct flowd *fd = fd_;
    struct ds s = DS_EMPTY_INITIALIZER;
    struct rt_bridge *b;

    HMAP_FOR_EACH (b, node, &fd->bridges) {
        rt_log_format_counters(b, fd->topo, &s);
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
cmd_reload(struct unixctl_conn *conn, int argc OVS_UNUSED,
           const char *argv[] OVS_UNUSED, void *fd_)
{
    char *error = reload(fd_, "flowd/reload");

    if (error) {
        unixctl_command_reply_error(conn, error);
        free(error);
    } else {
        unixctl_command_reply(conn, NULL);
    }
}

/* Answers flowd/dump of bridge 'name' on 'conn' and returns true, unless
 * the bridge's thread works (it writes the tables) or is about to parse
 * the flows a restart by digest left unparsed: false then. */
static bool
answer_dump(struct flowd *fd, struct unixctl_conn *conn, const char *name)
{
    struct rt_bridge *b = find_rt_bridge(fd, name);
    struct ds s = DS_EMPTY_INITIALIZER;

    if (!b || !b->br) {
        unixctl_command_reply_error(conn, "no such bridge in the topology");
        return true;
    }
    if (rt_bridge_busy(b)) {
        return false;
    }
    if (b->desired_deferred) {
        if (b->ctl) {
            return false;       /* rt_work_run() parses them next. */
        }
        unixctl_command_reply_error(conn, "its flows are not parsed yet "
                                    "(restarted by digest), and the "
                                    "switch is not connected");
        return true;
    }
    rt_table_format(&b->desired, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
    return true;
}

/* Answers the flowd/dump requests whose bridges' threads are done. */
static void
answer_dumps(struct flowd *fd)
{
    struct pending_dump *pd;

    LIST_FOR_EACH_SAFE (pd, node, &fd->dumps) {
        if (answer_dump(fd, pd->conn, pd->bridge)) {
            ovs_list_remove(&pd->node);
            free(pd->bridge);
            free(pd);
        }
    }
}

static void
cmd_dump(struct unixctl_conn *conn, int argc OVS_UNUSED,
         const char *argv[], void *fd_)
{
    struct flowd *fd = fd_;

    if (!answer_dump(fd, conn, argv[1])) {
        struct pending_dump *pd = xmalloc(sizeof *pd);

        pd->conn = conn;
        pd->bridge = xstrdup(argv[1]);
        ovs_list_push_back(&fd->dumps, &pd->node);
    }
}

static void
cmd_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
         const char *argv[] OVS_UNUSED, void *fd_)
{
    struct flowd *fd = fd_;
    fd->exiting = true;
    unixctl_command_reply(conn, NULL);
}

int
main(int argc, char *argv[])
{
    struct unixctl_server *server;
    struct flowd fd;
    struct ds errors = DS_EMPTY_INITIALIZER;
    struct topo *t;
    int error;

    memset(&fd, 0, sizeof fd);
    hmap_init(&fd.bridges);
    ovs_list_init(&fd.dumps);
    set_program_name(argv[0]);
    /* The flow tables of a large bridge are built and read back by
     * threads, whose malloc arenas are heaps of at most 64 MiB: each new
     * heap starts 16 MiB large instead of 128 KiB (glibc then grows it
     * by what each allocation needs, one mprotect() at a time: 4% of the
     * CPU of a first build of 503k flows), and what was freed is kept for
     * the next build. */
    mallopt(M_TOP_PAD, 16 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    service_start(&argc, &argv);
    fd.topo_file = parse_options(argc, argv, &fd);
    fatal_ignore_sigpipe();

    /* A broken topology never reaches the switch. */
    t = load_topology(fd.topo_file, &errors);
    if (!t) {
        fputs(ds_cstr(&errors), stderr);
        ovs_fatal(0, "%s: topology rejected", fd.topo_file);
    }
    ds_destroy(&errors);

    daemonize_start(false);
    error = unixctl_server_create(unixctl_path, &server);
    if (error) {
        ovs_fatal(error, "failed to create unixctl server");
    }
    unixctl_command_register("exit", "", 0, 0, cmd_exit, &fd);
    unixctl_command_register("flowd/status", "", 0, 0, cmd_status, &fd);
    unixctl_command_register("flowd/ports", "", 0, 0, cmd_ports, &fd);
    unixctl_command_register("flowd/drops", "", 0, 0, cmd_drops, &fd);
    unixctl_command_register("flowd/reload", "", 0, 0, cmd_reload, &fd);
    unixctl_command_register("flowd/dump", "BRIDGE", 1, 1, cmd_dump, &fd);
    daemonize_complete();

    /* SIGHUP reloads (OVS would otherwise treat it as fatal). */
    latch_init(&hup_latch);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = hup_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGHUP, &sa, NULL);

    vlog_enable_async();
    VLOG_INFO("ovs-flowd starting: %s, %"PRIuSIZE" bridges", fd.topo_file,
              t->n_bridges);
    stat_topology(&fd, &fd.mtime, &fd.size);
    apply_topology(&fd, t);

    fd.idl = ovsdb_idl_create(db_remote, &ovsrec_idl_class, false, true);
    rt_ovsdb_monitor(fd.idl);
    fd.idl_seqno = ovsdb_idl_get_seqno(fd.idl);
    struct rt_taps *taps = attach_taps ? rt_taps_create() : NULL;

    while (!fd.exiting) {
        struct rt_bridge *b, *next;

        ovsdb_idl_run(fd.idl);
        unixctl_server_run(server);

        if (latch_poll(&hup_latch)) {
            free(reload(&fd, "SIGHUP"));
        }
        if (time_msec() >= fd.next_stat) {
            struct timespec mtime;
            off_t size;
            stat_topology(&fd, &mtime, &size);
            if (mtime.tv_sec != fd.mtime.tv_sec
                || mtime.tv_nsec != fd.mtime.tv_nsec || size != fd.size) {
                free(reload(&fd, "file changed"));
            }
            fd.next_stat = time_msec() + 1000;
        }

        /* A bridge whose thread is done is bound again if OVSDB changed
         * meanwhile. */
        bool rebind = false;
        rt_work_reap(&fd.bridges);
        answer_dumps(&fd);
        HMAP_FOR_EACH (b, node, &fd.bridges) {
            rebind |= b->rebind && !rt_bridge_busy(b);
        }
        if (ovsdb_idl_get_seqno(fd.idl) != fd.idl_seqno || fd.ovsdb_dirty
            || rebind) {
            fd.idl_seqno = ovsdb_idl_get_seqno(fd.idl);
            fd.ovsdb_dirty = rt_ovsdb_run(fd.idl, fd.topo, &fd.bridges,
                                          &fd.ovsdb_opt);
        }

        if (taps && !fd.ovsdb_dirty) {
            rt_taps_run(taps, fd.idl, fd.topo);
        }

        HMAP_FOR_EACH (b, node, &fd.bridges) {
            if (!rt_bridge_busy(b)) {
                rt_switch_run(b, fd.topo,
                              !ovsdb_idl_has_ever_connected(fd.idl));
            }
        }
        rt_work_run(&fd.bridges, fd.model);
        HMAP_FOR_EACH_SAFE (b, next, node, &fd.bridges) {
            if (!b->br && !rt_bridge_busy(b)
                && !rt_bridge_n_installed(b) && !b->need_dump) {
                hmap_remove(&fd.bridges, &b->node);
                rt_bridge_destroy(b);
            }
        }

        ovsdb_idl_wait(fd.idl);
        unixctl_server_wait(server);
        latch_wait(&hup_latch);
        poll_timer_wait_until(fd.next_stat);
        if (fd.ovsdb_dirty) {
            poll_immediate_wake();
        }
        HMAP_FOR_EACH (b, node, &fd.bridges) {
            if (!rt_bridge_busy(b)) {
                rt_switch_wait(b);
            }
        }
        rt_work_wait();
        if (taps) {
            rt_taps_wait(taps);
        }
        poll_block();
    }

    struct rt_bridge *b;
    HMAP_FOR_EACH (b, node, &fd.bridges) {
        rt_work_hurry(b);       /* A verification need not end first. */
    }
    rt_work_finish(&fd.bridges, NULL, NULL, NULL);
    answer_dumps(&fd);
    HMAP_FOR_EACH_POP (b, node, &fd.bridges) {
        rt_bridge_destroy(b);
    }
    hmap_destroy(&fd.bridges);
    rt_taps_destroy(taps);
    ovsdb_idl_destroy(fd.idl);
    unixctl_server_destroy(server);
    model_destroy(fd.model);
    topo_destroy(fd.topo);
    free(fd.topo_file);
    return 0;
}
