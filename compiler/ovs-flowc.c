/* SPDX-License-Identifier: Apache-2.0 */
/* ovs-flowc.c -- the command-line front end of the compiler.
 *
 *   ovs-flowc check TOPO.json
 *   ovs-flowc compile TOPO.json [-o DIR] [--bridge BR]
 *                     [--format ofctl|dump|json] [--ofport NAME=N]...
 *
 * A thin shell over the compiler library: parse + check (topo.h), model
 * (model.h), pipeline (pipe.h), emit (emit.h).  Diagnostics go to stderr;
 * with any error nothing is written. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit.h"
#include "model.h"
#include "pipe.h"
#include "strbuf.h"
#include "topo.h"

enum format { FMT_OFCTL, FMT_DUMP, FMT_JSON };

/* --ofport NAME=N mappings. */
struct ofport_map {
    char **names;
    unsigned int *numbers;
    size_t n, cap;
};

/* --ofport-auto: each port is numbered by its position on its bridge. */
static unsigned int
position_ofport(const struct topo_port *p, void *aux)
{
    return p->index + 1;
}

static unsigned int
lookup_ofport(const struct topo_port *p, void *aux)
{
    const struct ofport_map *m = aux;

    for (size_t i = 0; i < m->n; i++) {
        if (!strcmp(m->names[i], p->name)) {
            return m->numbers[i];
        }
    }
    return 0;
}

static void
usage(FILE *stream)
{
    fprintf(stream,
"usage: ovs-flowc check TOPO.json\n"
"       ovs-flowc compile TOPO.json [-o DIR] [--bridge BR]\n"
"                 [--format ofctl|dump|json] [--ofport NAME=N]...\n"
"       ovs-flowc lab up TOPO.json [--dir DIR]\n"
"                 | exec [--dir DIR] NAME CMD...\n"
"                 | status [--dir DIR] | down [--dir DIR]\n"
"\n"
"check    validate TOPO.json; every problem is reported, exit 1 on errors\n"
"compile  write the OpenFlow tables of every bridge:\n"
"  -o, --output DIR      write DIR/BRIDGE.flows (ofctl), .dump or .json\n"
"  -b, --bridge BR       only bridge BR (to stdout unless -o)\n"
"  -f, --format FMT      ofctl (default): a file for ovs-ofctl --bundle\n"
"                        replace-flows; dump: canonical dump-flows text;\n"
"                        json: the flow IR\n"
"      --ofport-auto     number every port by its position on its bridge\n"
"      --datapath-type TYPE  system or netdev: the datapath of every\n"
"                        bridge, instead of its datapath_type (only\n"
"                        netdev's switch answers neighbor solicitations)\n"
"      --ofport NAME=N   write port NAME as OpenFlow port N (a dump then\n"
"                        prints numbers, as dump-flows --no-names);\n"
"                        NAME=none: NAME is not on the switch, its flows\n"
"                        are left out (as ovs-flowd does)\n"
"  -h, --help            this help\n"
"lab      a private Open vSwitch with the topology's guests as network\n"
"         namespaces (see ovs-flowc(8))\n"
"See ovs-flowc(8) and ovs-flowc-topology(5).\n");
}

/* Loads and checks; prints diagnostics; NULL on errors. */
static struct topo *
load(const char *file)
{
    struct diag_list d;
    struct topo *t;

    diag_list_init(&d, file);
    t = topo_load(file, &d);
    diag_print(&d, stderr, true);
    diag_list_destroy(&d);
    return t;
}

static int
cmd_check(int argc, char *argv[])
{
    struct topo *t;

    if (argc != 1) {
        usage(stderr);
        return 2;
    }
    t = load(argv[0]);
    topo_destroy(t);
    return t ? 0 : 1;
}

static int
write_bridge(const struct model *m, const struct topo_bridge *br,
             enum format fmt, const struct pipe_options *opt, FILE *stream,
             const char *where)
{
    struct pipe_options names_only = { .nd_ext = opt->nd_ext };
    struct pipe_bridge *pb;
    int rc = 0;

    /* The dump names ports, as dump-flows --names does, unless --ofport
     * gave numbers (then it is what dump-flows --no-names prints). */
    bool numbers = opt->ofport != NULL;
    pb = pipe_build(m, br, fmt == FMT_DUMP && !numbers ? &names_only : opt);
    if (fmt == FMT_OFCTL) {
        emit_ofctl(pb, stream);
    } else if (fmt == FMT_DUMP) {
        char *error = emit_dump(pb, stream, !numbers);
        if (error) {
            fprintf(stderr, "ovs-flowc: internal error: bridge %s: %s\n",
                    br->name, error);
            free(error);
            rc = 1;
        }
    } else {
        emit_json(&pb, 1, stream);
    }
    if (ferror(stream)) {
        fprintf(stderr, "ovs-flowc: %s: write error\n", where);
        rc = 1;
    }
    pipe_bridge_destroy(pb);
    return rc;
}

static int
cmd_compile(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "output", required_argument, NULL, 'o' },
        { "bridge", required_argument, NULL, 'b' },
        { "format", required_argument, NULL, 'f' },
        { "ofport", required_argument, NULL, 'p' },
        { "ofport-auto", no_argument, NULL, 'a' },
        { "datapath-type", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct ofport_map ofports = { NULL, NULL, 0, 0 };
    const char *dir = NULL, *bridge = NULL;
    enum format fmt = FMT_OFCTL;
    bool ofport_auto = false;
    enum pipe_nd_ext nd_ext = PIPE_ND_EXT_AUTO;
    int c, rc = 0;

    /* Bridges are built and written one after the other: keep the
     * memory freed by one for the next instead of unmapping it and
     * faulting fresh pages in again (a tenth of a large compile): no
     * mmap'd chunks (glibc caps the mmap threshold at 32 MiB, less than
     * a large bridge's flow array), no trimming. */
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, INT_MAX);

    optind = 1;
    while ((c = getopt_long(argc, argv, "o:b:f:h", long_options,
                            NULL)) != -1) {
        switch (c) {
        case 'o':
            dir = optarg;
            break;
        case 'b':
            bridge = optarg;
            break;
        case 'f':
            if (!strcmp(optarg, "ofctl")) {
                fmt = FMT_OFCTL;
            } else if (!strcmp(optarg, "dump")) {
                fmt = FMT_DUMP;
            } else if (!strcmp(optarg, "json")) {
                fmt = FMT_JSON;
            } else {
                fprintf(stderr, "ovs-flowc: unknown format \"%s\" "
                        "(ofctl, dump or json)\n", optarg);
                return 2;
            }
            break;
        case 'p': {
            char *eq = strchr(optarg, '=');
            char *end = NULL;
            unsigned long n = eq ? strtoul(eq + 1, &end, 10) : 0;
            if (eq && !strcmp(eq + 1, "none")) {
                n = PIPE_OFPORT_ABSENT;
            } else if (!eq || eq == optarg || !eq[1] || *end || n < 1
                       || n > 0xfeff) {
                fprintf(stderr, "ovs-flowc: --ofport wants NAME=N with N "
                        "from 1 to 65279, or NAME=none, not \"%s\"\n",
                        optarg);
                return 2;
            }
            ofports.names = fc_xgrow(ofports.names, &ofports.cap, ofports.n,
                                  sizeof *ofports.names);
            ofports.numbers = fc_xrealloc(ofports.numbers,
                                       ofports.cap * sizeof *ofports.numbers);
            ofports.names[ofports.n] = strndup(optarg, eq - optarg);
            ofports.numbers[ofports.n++] = n;
            break;
        }
        case 'a':
            ofport_auto = true;
            break;
        case 'd':
            /* The datapath the flows are for decides the ND responder
             * (pipe_nd_ext): only the userspace one builds answers. */
            if (!strcmp(optarg, "netdev")) {
                nd_ext = PIPE_ND_EXT_YES;
            } else if (!strcmp(optarg, "system")) {
                nd_ext = PIPE_ND_EXT_NO;
            } else {
                fprintf(stderr, "ovs-flowc: unknown datapath type \"%s\" "
                        "(system or netdev)\n", optarg);
                return 2;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc - 1 || (!dir && !bridge)) {
        if (optind == argc - 1) {
            fprintf(stderr, "ovs-flowc: compile needs -o DIR or "
                    "--bridge BR\n");
        }
        usage(stderr);
        return 2;
    }

    struct topo *t = load(argv[optind]);
    if (!t) {
        rc = 1;
        goto out;
    }
    if (bridge && !topo_find_bridge(t, bridge)) {
        fprintf(stderr, "ovs-flowc: %s has no bridge \"%s\"\n",
                argv[optind], bridge);
        rc = 1;
        goto out_topo;
    }
    if (dir && mkdir(dir, 0777) && errno != EEXIST) {
        fprintf(stderr, "ovs-flowc: %s: %s\n", dir, strerror(errno));
        rc = 1;
        goto out_topo;
    }

    struct model *m = model_build(t);
    struct pipe_options opt = {
        .ofport = (ofport_auto ? position_ofport
                   : ofports.n ? lookup_ofport : NULL),
        .aux = &ofports,
        .nd_ext = nd_ext,
    };
    static const char *const ext[] = { "flows", "dump", "json" };
    for (size_t i = 0; i < t->n_bridges && !rc; i++) {
        const struct topo_bridge *br = t->bridges[i];
        if (bridge && strcmp(bridge, br->name)) {
            continue;
        }
        if (!dir) {
            rc = write_bridge(m, br, fmt, &opt, stdout, "stdout");
            continue;
        }
        char *path = fc_xasprintf("%s/%s.%s", dir, br->name, ext[fmt]);
        char *tmp = fc_xasprintf("%s.tmp", path);
        FILE *stream = fopen(tmp, "w");
        if (!stream) {
            fprintf(stderr, "ovs-flowc: %s: %s\n", tmp, strerror(errno));
            rc = 1;
        } else {
            rc = write_bridge(m, br, fmt, &opt, stream, tmp);
            if (fclose(stream) && !rc) {
                fprintf(stderr, "ovs-flowc: %s: %s\n", tmp,
                        strerror(errno));
                rc = 1;
            }
            if (!rc && rename(tmp, path)) {
                fprintf(stderr, "ovs-flowc: %s: %s\n", path,
                        strerror(errno));
                rc = 1;
            }
            if (rc) {
                remove(tmp);
            }
        }
        free(tmp);
        free(path);

        /* The meter drop logging uses, for `ovs-ofctl add-meters`. */
        char *meters = pipe_meters(br);
        if (!rc && fmt == FMT_OFCTL && *meters) {
            path = fc_xasprintf("%s/%s.meters", dir, br->name);
            stream = fopen(path, "w");
            if (!stream || fputs(meters, stream) == EOF
                || fclose(stream)) {
                fprintf(stderr, "ovs-flowc: %s: %s\n", path,
                        strerror(errno));
                rc = 1;
            }
            free(path);
        }
        free(meters);
    }
    model_destroy(m);
out_topo:
    topo_destroy(t);
out:
    for (size_t i = 0; i < ofports.n; i++) {
        free(ofports.names[i]);
    }
    free(ofports.names);
    free(ofports.numbers);
    return rc;
}

/* `ovs-flowc lab ...`: runs the lab script, found next to this program
 * (the build tree) or in PKGLIBEXECDIR. */
static int
cmd_lab(int argc, char *argv[])
{
    char self[4096], *slash, *script;
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

    script = NULL;
    if (n > 0) {
        self[n] = '\0';
        slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            script = fc_xasprintf("%s/ovs-flowc-lab", self);
            if (access(script, X_OK)) {
                free(script);
                script = NULL;
            }
        }
    }
    if (!script) {
        script = fc_xstrdup(PKGLIBEXECDIR "/ovs-flowc-lab");
    }
    argv[0] = script;
    execv(script, argv);
    fprintf(stderr, "ovs-flowc: %s: %s\n", script, strerror(errno));
    free(script);
    return 1;
}

int
main(int argc, char *argv[])
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "check")) {
        return cmd_check(argc - 2, argv + 2);
    }
    if (!strcmp(argv[1], "compile")) {
        return cmd_compile(argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "lab")) {
        return cmd_lab(argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")
        || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("ovs-flowc 0.1.0\n");
        return 0;
    }
    fprintf(stderr, "ovs-flowc: unknown command \"%s\"\n", argv[1]);
    usage(stderr);
    return 2;
}
