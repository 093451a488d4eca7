/* The listing is streamed with writev: a listing of 100,000 deals never
 * exists whole in memory, and each deal's stored text is written straight
 * from the load cache. What is computed per deal (days in stage, score,
 * level, reasons: the "tail") is shared with the helper thread (store/helper.h)
 * for a long listing. */
#include "json_list.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../pipeline/date.h"
#include "../store/fsutil.h"
#include "../store/helper.h"
#include "../store/json_print.h"
#include "deal_view.h"

/* Output gathered for writev: pieces of our own (in sb) and text that
 * outlives the listing (deals' view_json, the tails), never copied. */
typedef struct {
    const char *text;           /* NULL: sb.data + off */
    size_t off, len;
} out_seg;

typedef struct {
    strbuf sb;                  /* flushed only when all its text is in seg */
    out_seg seg[1024];
    int nseg;
    int failed;                 /* errno of the first failed write: the rest is dropped */
} json_out;

static void out_flush(json_out *o)
{
    struct iovec iov[sizeof o->seg / sizeof *o->seg];
    for (int i = 0; i < o->nseg; i++) {
        const char *text = o->seg[i].text ? o->seg[i].text : o->sb.data + o->seg[i].off;
        iov[i] = (struct iovec){(void *)text, o->seg[i].len};
    }
    errno = 0;
    if (!o->failed && !fs_writev_all(STDOUT_FILENO, iov, o->nseg))
        o->failed = errno ? errno : EIO;             /* main reports it */
    o->nseg = 0;
    o->sb.len = 0;
}

static void out_segment(json_out *o, const char *text, size_t off, size_t len)
{
    o->seg[o->nseg++] = (out_seg){text, off, len};
    if (o->nseg == (int)(sizeof o->seg / sizeof *o->seg))
        out_flush(o);
}

/* Marks what was added to sb since `start` as the next piece. */
static void out_own(json_out *o, size_t start)
{
    if (o->nseg && !o->seg[o->nseg - 1].text &&
        o->seg[o->nseg - 1].off + o->seg[o->nseg - 1].len == start)
        o->seg[o->nseg - 1].len += o->sb.len - start;      /* extends the last piece */
    else
        out_segment(o, NULL, start, o->sb.len - start);
    if (o->sb.len > (1u << 18))
        out_flush(o);
}

/* Tails rendered by the helper, a chunk of deals at a time from the last
 * chunk backward, while the writer renders its own from the first: each
 * chunk is claimed by one side, and the writer uses the helper's from the
 * first chunk the helper claimed on. */
#define CHUNK 256

enum { UNCLAIMED = -1, BY_WRITER, BY_HELPER };

typedef struct {
    const pipeline_cfg *cfg;
    db_day today;
    deal **deals;
    size_t n, nchunks;
    atomic_int *owner;          /* per chunk */
    strbuf text;                /* the helper's tails, chunk after chunk */
    size_t *start, *len;        /* per deal, into text */
    bool shared, waited;
} tails_ahead;

static bool claim_chunk(tails_ahead *t, size_t chunk, int who)
{
    int unclaimed = UNCLAIMED;
    return atomic_compare_exchange_strong(&t->owner[chunk], &unclaimed, who);
}

/* Only deals with stored text: the others are read whole by the writer. */
static void render_tails(void *arg)
{
    tails_ahead *t = arg;
    for (size_t c = t->nchunks; c-- > 0 && claim_chunk(t, c, BY_HELPER);) {
        size_t end = (c + 1) * CHUNK < t->n ? (c + 1) * CHUNK : t->n;
        for (size_t i = c * CHUNK; i < end; i++) {
            t->start[i] = t->text.len;
            if (t->deals[i]->view_json)
                deal_view_write_tail(&t->text, t->cfg, t->deals[i], t->today);
            t->len[i] = t->text.len - t->start[i];
        }
    }
}

static void tails_start(tails_ahead *t, const pipeline_cfg *cfg, db_day today, deal **deals,
                        size_t n)
{
    *t = (tails_ahead){.cfg = cfg, .today = today, .deals = deals, .n = n};
    if (n < 4 * CHUNK)
        return;
    t->nchunks = (n + CHUNK - 1) / CHUNK;
    t->owner = xmalloc(t->nchunks * sizeof *t->owner);
    for (size_t c = 0; c < t->nchunks; c++)
        atomic_init(&t->owner[c], UNCLAIMED);
    t->start = xmalloc(n * sizeof *t->start);
    t->len = xmalloc(n * sizeof *t->len);
    t->shared = helper_start(render_tails, t, false);
}

/* The helper's tail for deal i, if it has one: false means render it here. */
static bool tail_ahead(tails_ahead *t, size_t i, const char **text, size_t *len)
{
    if (!t->shared)
        return false;
    size_t c = i / CHUNK;
    if (i % CHUNK == 0 && !t->waited && claim_chunk(t, c, BY_WRITER))
        return false;
    if (atomic_load(&t->owner[c]) == BY_WRITER)
        return false;
    if (!t->waited) {
        helper_wait();
        t->waited = true;
    }
    if (!t->deals[i]->view_json)
        return false;
    *text = t->text.data + t->start[i];
    *len = t->len[i];
    return true;
}

static void tails_end(tails_ahead *t)
{
    if (t->shared && !t->waited)
        helper_wait();
    sb_free(&t->text);
    free(t->owner);
    free(t->start);
    free(t->len);
}

/* A light deal has no log: one without its view text is read whole. */
static void write_deal(json_out *o, cli_opts *opts, db_repo *repo, const deal *d)
{
    const pipeline_cfg *cfg = repo_config(repo);
    size_t start = o->sb.len;
    if (d->view_json) {
        out_segment(o, d->view_json, 0, d->view_json_len);
        start = o->sb.len;
        deal_view_write_tail(&o->sb, cfg, d, opts->today);
        out_own(o, start);
        return;
    }
    deal whole;
    db_err err;
    if (!d->partial) {
        deal_view_write(&o->sb, cfg, d, opts->today, 2);
    } else if (repo_load_deal(repo, d->id, &whole, &err) == 0) {
        deal_view_write(&o->sb, cfg, &whole, opts->today, 2);
        deal_free(&whole);
    } else {                            /* gone since the listing was read */
        fprintf(stderr, "dealboard: %s\n", err.msg);
        deal_view_write(&o->sb, cfg, d, opts->today, 2);
    }
    out_own(o, start);
}

/* "as_of": which past a travelled repository shows (SPEC §8); nothing for
 * today's, so a listing of today is as it always was. */
static void write_as_of(strbuf *sb, const db_repo *repo)
{
    const repo_as_of_info *past = repo_as_of(repo);
    if (!past)
        return;
    char day[DATE_LEN], committed[TIMESTAMP_LEN];
    date_format(past->day, day);
    timestamp_format(past->commit_time, committed);
    sb_printf(sb, "  \"as_of\": {\"date\": \"%s\", \"commit\": \"%s\", \"committed\": \"%s\"},\n",
              day, past->commit, committed);
}

void json_list_print(cli_opts *opts, db_repo *repo, deal **deals, size_t n)
{
    char today[DATE_LEN];
    date_format(opts->today, today);
    tails_ahead tails;
    tails_start(&tails, repo_config(repo), opts->today, deals, n);
    json_out *o = xcalloc(1, sizeof *o);
    fflush(stdout);
    sb_printf(&o->sb, "{\n  \"today\": \"%s\",\n", today);
    write_as_of(&o->sb, repo);
    sb_puts(&o->sb, "  \"deals\": [");
    out_own(o, 0);
    for (size_t i = 0; i < n; i++) {
        size_t start = o->sb.len;
        if (i)
            sb_add(&o->sb, ",", 1);
        json_write_indent(&o->sb, 2);
        out_own(o, start);
        const char *tail;
        size_t tail_len;
        if (tail_ahead(&tails, i, &tail, &tail_len)) {
            out_segment(o, deals[i]->view_json, 0, deals[i]->view_json_len);
            out_segment(o, tail, 0, tail_len);
        } else {
            write_deal(o, opts, repo, deals[i]);
        }
    }
    size_t start = o->sb.len;
    sb_puts(&o->sb, n ? "\n  ]\n}\n" : "]\n}\n");
    out_own(o, start);
    out_flush(o);
    opts->out_errno = o->failed;
    tails_end(&tails);
    sb_free(&o->sb);
    free(o);
}
