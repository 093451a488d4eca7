#include "gitutil.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void gitu_setup(void)
{
    static int done;
    if (done++)
        return;
    git_libgit2_init();
    /* Without fsync a power cut can leave refs pointing at missing objects. */
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
}

/* core.sharedRepository as permission bits for files (0 = follow the umask). */
static mode_t shared_perm(git_repository *git)
{
    git_config *cfg = NULL;
    git_buf value = {0};
    mode_t perm = 0;
    if (git_repository_config_snapshot(&cfg, git) == 0 &&
        git_config_get_string_buf(&value, cfg, "core.sharedRepository") == 0) {
        const char *v = value.ptr;
        if (!strcasecmp(v, "group") || !strcasecmp(v, "true") || !strcmp(v, "1"))
            perm = 0660;
        else if (!strcasecmp(v, "all") || !strcasecmp(v, "world") ||
                 !strcasecmp(v, "everybody") || !strcmp(v, "2"))
            perm = 0664;
        else if (v[0] == '0' && v[1])
            perm = (mode_t)(strtoul(v, NULL, 8) & 0666);
    }
    git_buf_dispose(&value);
    git_config_free(cfg);
    return perm;
}

void gitu_apply_shared_umask(git_repository *git)
{
    mode_t mask = umask(0);
    mode_t perm = shared_perm(git);
    if (perm)                                  /* directories get x where r is */
        mask = 0777 & ~(perm | ((perm & 0444) >> 2));
    umask(mask | 0002);
}

int gitu_fail(db_err *err, int code, const char *what)
{
    const git_error *e = git_error_last();
    return db_fail(err, code, "%s: %s", what, e && e->message ? e->message : "unknown git error");
}

/* ---- author and committer, as git picks them -------------------------- */

static bool digits(const char *p, int n)
{
    for (int i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return true;
}

static int number(const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (p[i] - '0');
    return v;
}

static const char *skip_spaces(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (long long)era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* The local time zone's offset (minutes east) at t. */
static int local_offset(time_t t)
{
    struct tm tm;
    return localtime_r(&t, &tm) ? (int)(tm.tm_gmtoff / 60) : 0;
}

/* A time zone at *pp: Z, UTC, GMT, UT, or [+-]hh[[:]mm]. Advances *pp. */
static bool parse_zone(const char **pp, int *offset)
{
    const char *p = *pp;
    static const char *const utc[] = {"UTC", "GMT", "UT", "Z"};
    for (size_t i = 0; i < sizeof utc / sizeof *utc; i++) {
        size_t n = strlen(utc[i]);
        if (strncmp(p, utc[i], n) == 0) {
            *offset = 0, *pp = p + n;
            return true;
        }
    }
    if ((*p != '+' && *p != '-') || !digits(p + 1, 2))
        return false;
    int hours = number(p + 1, 2), minutes = 0;
    const char *end = p + 3;
    if (*end == ':' && digits(end + 1, 2))
        minutes = number(end + 1, 2), end += 3;
    else if (digits(end, 2))
        minutes = number(end, 2), end += 2;
    if (hours > 23 || minutes > 59 || (*end >= '0' && *end <= '9'))
        return false;
    *offset = (*p == '-' ? -1 : 1) * (hours * 60 + minutes);
    *pp = end;
    return true;
}

/* Seconds since 1970 with an optional zone after them: "@<s> [zone]" (git's
 * raw form), or "<s> [zone]" with at least nine digits, as git takes it. */
static bool parse_seconds(const char *p, git_time *when)
{
    bool at = *p == '@';
    p += at;
    const char *start = p;
    long long seconds = 0;
    while (*p >= '0' && *p <= '9') {
        if (seconds > (LLONG_MAX - 9) / 10)
            return false;
        seconds = seconds * 10 + (*p++ - '0');
    }
    if (p == start || (!at && p - start < 9))
        return false;
    int offset = 0;
    const char *rest = skip_spaces(p);
    if (!*rest)                                      /* git takes the local zone */
        offset = local_offset((time_t)seconds);
    else if (rest == p || !parse_zone(&rest, &offset) || *skip_spaces(rest))
        return false;
    when->time = seconds, when->offset = offset, when->sign = offset < 0 ? '-' : '+';
    return true;
}

static int month_number(const char *p)
{
    static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    for (int i = 0; i < 12; i++)
        if (strncasecmp(p, names + 3 * i, 3) == 0)
            return i + 1;
    return 0;
}

typedef struct {
    int year, month, day, hour, minute, second;
} civil;

/* HH:MM[:SS[.fraction]] at *pp. */
static bool parse_clock(const char **pp, civil *c)
{
    const char *p = *pp;
    if (!digits(p, 2) || p[2] != ':' || !digits(p + 3, 2))
        return false;
    c->hour = number(p, 2), c->minute = number(p + 3, 2), c->second = 0;
    p += 5;
    if (*p == ':' && digits(p + 1, 2)) {
        c->second = number(p + 1, 2);
        p += 3;
        if ((*p == '.' || *p == ',') && digits(p + 1, 1))
            for (p++; *p >= '0' && *p <= '9'; p++)
                ;
    }
    *pp = p;
    return c->hour <= 23 && c->minute <= 59 && c->second <= 60;
}

/* ISO 8601 ("YYYY-MM-DD[T ]HH:MM[:SS]"), RFC 2822 ("[Www, ]DD Mon YYYY
 * HH:MM[:SS]") or git's default ("[Www ]Mon DD HH:MM:SS YYYY"): the fields,
 * and *pp past them. */
static bool parse_fields(const char **pp, civil *c)
{
    const char *p = *pp;
    if (digits(p, 4) && p[4] == '-' && digits(p + 5, 2) && p[7] == '-' && digits(p + 8, 2) &&
        (p[10] == 'T' || p[10] == 't' || p[10] == ' ')) {
        c->year = number(p, 4), c->month = number(p + 5, 2), c->day = number(p + 8, 2);
        p = skip_spaces(p + 11);
        if (!parse_clock(&p, c))
            return false;
        *pp = p;
        return true;
    }
    static const char days[] = "MonTueWedThuFriSatSun";
    for (int i = 0; i < 7; i++)                     /* the weekday is not checked */
        if (strncasecmp(p, days + 3 * i, 3) == 0) {
            p += 3;
            p += *p == ',';
            if (*p != ' ')
                return false;
            p = skip_spaces(p);
            break;
        }
    if (digits(p, 1)) {                              /* RFC 2822 */
        int n = digits(p, 2) ? 2 : 1;
        c->day = number(p, n);
        p = skip_spaces(p + n);
        if (!(c->month = month_number(p)) || p[3] != ' ')
            return false;
        p = skip_spaces(p + 3);
        if (!digits(p, 4) || p[4] != ' ')
            return false;
        c->year = number(p, 4);
        p = skip_spaces(p + 4);
        if (!parse_clock(&p, c))
            return false;
    } else {                                         /* git's default */
        if (!(c->month = month_number(p)) || p[3] != ' ')
            return false;
        p = skip_spaces(p + 3);
        if (!digits(p, 1))
            return false;
        int n = digits(p, 2) ? 2 : 1;
        c->day = number(p, n);
        p = skip_spaces(p + n);
        if (!parse_clock(&p, c) || *p != ' ')
            return false;
        p = skip_spaces(p);
        if (!digits(p, 4) || digits(p + 4, 1))
            return false;
        c->year = number(p, 4);
        p += 4;
    }
    *pp = p;
    return true;
}

int gitu_identity_date(const char *text, git_time *when)
{
    const char *p = skip_spaces(text);
    if (parse_seconds(p, when))
        return 0;
    if (*p == '@')
        return -1;
    civil c;
    if (!parse_fields(&p, &c) || c.year < 1970 || c.month < 1 || c.month > 12 || c.day < 1 ||
        c.day > days_in_month(c.year, c.month))
        return -1;
    int offset = 0;
    const char *zone = skip_spaces(p);
    bool zoned = *zone && parse_zone(&zone, &offset);
    if (*skip_spaces(zoned ? zone : p))
        return -1;
    long long seconds = days_from_civil(c.year, c.month, c.day) * 86400 + c.hour * 3600 +
                        c.minute * 60 + c.second;
    if (zoned) {
        seconds -= offset * 60;
    } else {                                         /* local time, as git takes it */
        struct tm tm = {.tm_year = c.year - 1900, .tm_mon = c.month - 1, .tm_mday = c.day,
                        .tm_hour = c.hour, .tm_min = c.minute, .tm_sec = c.second,
                        .tm_isdst = -1};
        time_t t = mktime(&tm);
        if (t == (time_t)-1)
            return -1;
        seconds = t;
        offset = (int)(tm.tm_gmtoff / 60);
    }
    if (seconds < 0)
        return -1;                                   /* git has no dates before 1970 */
    when->time = seconds, when->offset = offset, when->sign = offset < 0 ? '-' : '+';
    return 0;
}

/* What git strips from both ends of a name or e-mail ("crud": "Jr." loses
 * its dot, in git as in libgit2); inside, it drops only the delimiters of
 * an identity line, which libgit2 would refuse. */
static bool crud(unsigned char c)
{
    return c <= ' ' || strchr(".,:;<>\"\\'", c);
}

static char *without_crud(const char *s)
{
    size_t n = strlen(s);
    while (n && crud((unsigned char)*s))
        s++, n--;
    while (n && crud((unsigned char)s[n - 1]))
        n--;
    char *out = xmalloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '\n' && s[i] != '<' && s[i] != '>')
            *o++ = s[i];
    *o = '\0';
    return out;
}

/* A string from the configuration (NULL when unset; "" when set empty). */
static char *config_string(git_config *cfg, const char *key)
{
    git_buf value = {0};
    char *out = NULL;
    if (cfg && git_config_get_string_buf(&value, cfg, key) == 0)
        out = xstrdup(value.ptr ? value.ptr : "");
    git_buf_dispose(&value);
    git_error_clear();
    return out;
}

/* One side of a commit: its variables and its own configuration keys. */
typedef struct {
    const char *who;                            /* "author", "committer" */
    const char *name_var, *email_var, *date_var;
    const char *name_key, *email_key;
} ident_role;

static const ident_role author_role = {"author", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",
                                       "GIT_AUTHOR_DATE", "author.name", "author.email"};
static const ident_role committer_role = {"committer", "GIT_COMMITTER_NAME",
                                          "GIT_COMMITTER_EMAIL", "GIT_COMMITTER_DATE",
                                          "committer.name", "committer.email"};

/* A value and where it came from, for messages. */
typedef struct {
    char *value;
    const char *from;
} ident_part;

static ident_part env_part(const char *var)
{
    const char *v = getenv(var);
    return (ident_part){xstrdup(v), var};
}

/* author.name and the like count only when not empty, as in git. */
static ident_part config_part(git_config *cfg, const char *key, bool empty_counts)
{
    char *v = config_string(cfg, key);
    if (v && !*v && !empty_counts) {
        free(v);
        v = NULL;
    }
    return (ident_part){v, key};
}

static const char *login_name(void)
{
    const char *user = getenv("USER");
    return user && *user ? user : "dealboard";
}

static int make_signature(git_config *cfg, const ident_role *role, const git_time *now,
                          git_signature **out, db_err *err)
{
    *out = NULL;
    int rc = 0;
    bool config_only = false;
    int flag = 0;
    if (cfg && git_config_get_bool(&flag, cfg, "user.useConfigOnly") == 0)
        config_only = flag;
    git_error_clear();

    ident_part name = env_part(role->name_var);
    if (!name.value)
        name = config_part(cfg, role->name_key, false);
    if (!name.value)
        name = config_part(cfg, "user.name", true);
    ident_part email = env_part(role->email_var);
    if (!email.value)
        email = config_part(cfg, role->email_key, false);
    if (!email.value)
        email = config_part(cfg, "user.email", true);

    if (config_only && (!name.value || !email.value)) {
        rc = db_fail(err, DB_EUSAGE,
                     "no %s for the %s, and user.useConfigOnly forbids a guess: set it with "
                     "git config user.%s",
                     name.value ? "e-mail" : "name", role->who, name.value ? "email" : "name");
        goto done;
    }
    if (!name.value)
        name = (ident_part){xstrdup(login_name()), "$USER"};
    if (!email.value) {
        const char *mail = getenv("EMAIL");
        if (mail && *mail) {
            email = (ident_part){xstrdup(mail), "$EMAIL"};
        } else {
            char host[256] = "localhost";
            gethostname(host, sizeof host - 1);
            host[sizeof host - 1] = '\0';
            email = (ident_part){xasprintf("%s@%s", login_name(), host), "$USER@hostname"};
        }
    }

    char *clean_name = without_crud(name.value), *clean_email = without_crud(email.value);
    git_time when = *now;
    const char *date = getenv(role->date_var);
    if (!*clean_name)
        rc = db_fail(err, DB_EUSAGE, "the %s's name from %s is empty: git does not allow that",
                     role->who, name.from);
    else if (!*clean_email)
        rc = db_fail(err, DB_EUSAGE, "the %s's e-mail from %s is empty: libgit2 cannot write that",
                     role->who, email.from);
    else if (date && *date && gitu_identity_date(date, &when) < 0)
        rc = db_fail(err, DB_EUSAGE,
                     "%s: cannot read the date '%s' (git's forms: \"@<seconds> +hhmm\", "
                     "\"YYYY-MM-DDTHH:MM:SS+hh:mm\", \"Thu, 07 Apr 2005 22:13:13 +0200\")",
                     role->date_var, date);
    else if (git_signature_new(out, clean_name, clean_email, when.time, when.offset) < 0)
        rc = gitu_fail(err, DB_EIO, "git identity");
    free(clean_name);
    free(clean_email);
done:
    free(name.value);
    free(email.value);
    return rc;
}

/* The configuration (NULL with no repository), and now: one instant for both sides. */
static int identity_start(git_repository *git, git_config **cfg, git_time *now, db_err *err)
{
    *cfg = NULL;
    if (git && git_repository_config_snapshot(cfg, git) < 0)
        return gitu_fail(err, DB_EIO, "git identity: reading the git configuration");
    time_t t = time(NULL);
    now->time = t;
    now->offset = local_offset(t);
    now->sign = now->offset < 0 ? '-' : '+';
    return 0;
}

int gitu_identity_pair(git_repository *git, git_signature **author, git_signature **committer,
                      db_err *err)
{
    git_config *cfg;
    git_time now;
    *author = *committer = NULL;
    int rc = identity_start(git, &cfg, &now, err);
    if (!rc)
        rc = make_signature(cfg, &author_role, &now, author, err);
    if (!rc)
        rc = make_signature(cfg, &committer_role, &now, committer, err);
    if (rc) {
        git_signature_free(*author);
        *author = NULL;
    }
    git_config_free(cfg);
    return rc;
}

int gitu_identity(git_repository *git, git_signature **sig, db_err *err)
{
    git_config *cfg;
    git_time now;
    *sig = NULL;
    int rc = identity_start(git, &cfg, &now, err);
    if (!rc)
        rc = make_signature(cfg, &author_role, &now, sig, err);
    git_config_free(cfg);
    return rc;
}

/* One part as make_signature picks it, but without the guesses: NULL when
 * neither the environment nor the configuration gives it. */
static char *configured_part(git_config *cfg, const char *var, const char *key,
                             const char *user_key, const char *fallback_var)
{
    ident_part part = env_part(var);
    if (!part.value)
        part = config_part(cfg, key, false);
    if (!part.value)
        part = config_part(cfg, user_key, true);
    if (!part.value && fallback_var && getenv(fallback_var) && *getenv(fallback_var))
        part = env_part(fallback_var);
    char *clean = part.value ? without_crud(part.value) : NULL;
    free(part.value);
    if (clean && !*clean) {
        free(clean);
        clean = NULL;
    }
    return clean;
}

void gitu_identity_configured(git_repository *git, char **name, char **email)
{
    git_config *cfg = NULL;
    if (git && git_repository_config_snapshot(&cfg, git) < 0)
        cfg = NULL;
    git_error_clear();
    *name = configured_part(cfg, author_role.name_var, author_role.name_key, "user.name", NULL);
    *email = configured_part(cfg, author_role.email_var, author_role.email_key, "user.email",
                             "EMAIL");
    git_config_free(cfg);
}

int gitu_commit_as_user(git_repository *git, const git_oid *tree_id, const git_commit **parents,
                       size_t nparents, const char *message, git_oid *out, db_err *err)
{
    git_tree *tree = NULL;
    git_signature *author = NULL, *committer = NULL;
    int rc = git_tree_lookup(&tree, git, tree_id) < 0 ? gitu_fail(err, DB_EIO, "reading tree") : 0;
    if (!rc)
        rc = gitu_identity_pair(git, &author, &committer, err);
    if (!rc && git_commit_create(out, git, NULL, author, committer, "UTF-8", message, tree,
                                 nparents, parents) < 0)
        rc = gitu_fail(err, DB_EIO, "committing");
    git_signature_free(author);
    git_signature_free(committer);
    git_tree_free(tree);
    return rc;
}

bool gitu_blob_at(git_commit *commit, const char *relpath, git_oid *out)
{
    git_tree *tree = NULL;
    git_tree_entry *entry = NULL;
    bool found = commit && git_commit_tree(&tree, commit) == 0 &&
                 git_tree_entry_bypath(&entry, tree, relpath) == 0;
    if (found)
        git_oid_cpy(out, git_tree_entry_id(entry));
    git_tree_entry_free(entry);
    git_tree_free(tree);
    git_error_clear();
    return found;
}
