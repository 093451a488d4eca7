/* Unit tests for the pure helpers of team sync: which paths merge as JSON, the merge
 * commit message, ssh URLs and the host-key hint, clone directory names, and
 * "what changed" in words. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../pipeline/config.h"
#include "../../pipeline/deal.h"
#include "../../store/changes.h"
#include "../../store/merge_tree.h"
#include "../../store/remote.h"

static void test_deal_paths(void **state)
{
    (void)state;
    assert_true(merge_is_deal_path("deals/9c/acme-rollout-7f3a9c.json"));
    assert_true(merge_is_json_path("deals/9c/acme-rollout-7f3a9c.json"));
    assert_true(merge_is_json_path("pipeline.json"));
    assert_false(merge_is_deal_path("pipeline.json"));
    assert_false(merge_is_deal_path("deals/9d/acme-rollout-7f3a9c.json"));  /* wrong shard */
    assert_false(merge_is_deal_path("deals/9c/acme-rollout-7f3a9c.txt"));
    assert_false(merge_is_deal_path("deals/9c/sub/acme-rollout-7f3a9c.json"));
    assert_false(merge_is_deal_path("deals/9c/Acme-7f3a9c.json"));           /* not an id */
    assert_false(merge_is_deal_path("deals/9c/.json"));
    assert_false(merge_is_deal_path("deals/x.json"));
    assert_false(merge_is_json_path("NOTES.txt"));
    assert_false(merge_is_json_path("sub/pipeline.json"));
}

static void expect_message(int deals, int files, int conflicts, const char *want)
{
    merge_tree_stats st;
    memset(&st, 0, sizeof st);
    st.deals = deals;
    st.files = files;
    st.conflicts = conflicts;
    char *msg = merge_message(&st);
    assert_string_equal(msg, want);
    free(msg);
}

static void test_merge_message(void **state)
{
    (void)state;
    expect_message(3, 0, 1, "Merge teammates' changes: 3 deals, 1 conflict recorded");
    expect_message(1, 0, 0, "Merge teammates' changes: 1 deal");
    expect_message(2, 1, 2, "Merge teammates' changes: 2 deals, 1 other file, 2 conflicts recorded");
    expect_message(0, 2, 0, "Merge teammates' changes: 2 other files");
    expect_message(0, 0, 0, "Merge teammates' changes: history only");
}

static void test_ssh_urls(void **state)
{
    (void)state;
    assert_true(remote_url_is_ssh("ssh://git@host/srv/team.git"));
    assert_true(remote_url_is_ssh("git@host:team.git"));
    assert_true(remote_url_is_ssh("host:srv/team.git"));
    assert_false(remote_url_is_ssh("file:///srv/team.git"));
    assert_false(remote_url_is_ssh("/srv/team.git"));
    assert_false(remote_url_is_ssh("./team.git"));
    assert_false(remote_url_is_ssh("dir/with:colon"));
    assert_false(remote_url_is_ssh("https://host/team.git"));
    assert_false(remote_url_is_ssh(NULL));

    char host[64];
    int port = 0;
    assert_true(remote_ssh_host_port("ssh://me@127.0.0.1:2222/srv/t.git", host, sizeof host, &port));
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 2222);
    assert_true(remote_ssh_host_port("ssh://server/srv/t.git", host, sizeof host, &port));
    assert_string_equal(host, "server");
    assert_int_equal(port, 22);
    assert_true(remote_ssh_host_port("git@example.org:team.git", host, sizeof host, &port));
    assert_string_equal(host, "example.org");
    assert_int_equal(port, 22);
    assert_true(remote_ssh_host_port("ssh://[::1]:2200/t.git", host, sizeof host, &port));
    assert_string_equal(host, "::1");
    assert_int_equal(port, 2200);
    assert_false(remote_ssh_host_port("/srv/t.git", host, sizeof host, &port));
    assert_false(remote_ssh_host_port("ssh://a-very-long-host-name.example.org/x", host, 8, &port));

    char *hint = remote_keyscan_hint("ssh://me@127.0.0.1:2222/srv/t.git");
    assert_string_equal(hint, "ssh-keyscan -p 2222 127.0.0.1 >> ~/.ssh/known_hosts");
    free(hint);
    hint = remote_keyscan_hint("git@example.org:team.git");
    assert_string_equal(hint, "ssh-keyscan example.org >> ~/.ssh/known_hosts");
    free(hint);
    assert_null(remote_keyscan_hint("file:///x"));
}

static void expect_dir(const char *url, const char *want)
{
    char *dir = remote_default_dir(url);
    assert_string_equal(dir, want);
    free(dir);
}

static void test_default_dir(void **state)
{
    (void)state;
    expect_dir("ssh://h/srv/sales.git/", "sales");
    expect_dir("git@h:team.git", "team");
    expect_dir("/srv/pipe", "pipe");
    expect_dir("file:///srv/emea.git", "emea");
    expect_dir("/", "pipeline");
    expect_dir("", "pipeline");
}

/* ---- changes_describe ---- */

typedef struct {
    char lines[16][256];
    int n;
} collected;

static void collect(void *ud, const char *words)
{
    collected *c = ud;
    if (c->n < 16)
        snprintf(c->lines[c->n++], sizeof c->lines[0], "%s", words);
}

static void base_deal(deal *d)
{
    deal_init(d);
    deal_set_str(&d->id, "acme-rollout-7f3a9c");
    deal_set_str(&d->title, "Acme rollout");
    deal_set_str(&d->owner, "Alice");
    deal_set_str(&d->stage, "define");
    d->value = 48000;
    d->close_date = date_from_ymd(2027, 1, 31);
}

static void test_changes_new_and_removed(void **state)
{
    (void)state;
    pipeline_cfg cfg;
    config_init_defaults(&cfg);
    config_default_stages(&cfg);
    deal d;
    base_deal(&d);
    collected c = {0};
    changes_describe(NULL, &d, &cfg, date_from_ymd(2026, 11, 20), collect, &c);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.lines[0], "new deal in Define, value 48000, owner Alice");
    c.n = 0;
    changes_describe(&d, NULL, &cfg, date_from_ymd(2026, 11, 20), collect, &c);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.lines[0], "deal removed");
    deal_free(&d);
    config_free(&cfg);
}

static void test_changes_edits(void **state)
{
    (void)state;
    pipeline_cfg cfg;
    config_init_defaults(&cfg);
    config_default_stages(&cfg);
    deal o, n;
    base_deal(&o);
    base_deal(&n);
    deal_set_str(&o.next_text, "Send proposal");
    o.next_due = date_from_ymd(2026, 12, 1);
    deal_add_log(&o, "a1", "2026-11-01T10:00:00Z", "Alice", "note", "old note");
    deal_set_str(&n.stage, "explore");
    n.close_date = date_from_ymd(2027, 3, 31);
    deal_add_log(&n, "a1", "2026-11-01T10:00:00Z", "Alice", "note", "old note");
    deal_add_log(&n, "b2", "2026-11-19T10:00:00Z", "Bob", "note", "new note");
    deal_add_log(&n, "c3", "2026-11-19T11:00:00Z", "dealboard", "conflict",
                 "value: kept 5 (Bob, later) over 4 (Alice)");
    collected c = {0};
    changes_describe(&o, &n, &cfg, date_from_ymd(2026, 11, 20), collect, &c);
    assert_int_equal(c.n, 5);
    assert_string_equal(c.lines[0], "moved Define → Explore");
    assert_string_equal(c.lines[1], "close date pushed from 2027-01-31 to 2027-03-31");
    assert_string_equal(c.lines[2], "next step removed (was: Send proposal)");
    assert_string_equal(c.lines[3], "conflict recorded: value: kept 5 (Bob, later) over 4 (Alice)");
    assert_string_equal(c.lines[4], "1 note added");
    deal_free(&o);
    deal_free(&n);
    config_free(&cfg);
}

static void test_changes_status_and_overdue(void **state)
{
    (void)state;
    deal o, n;
    base_deal(&o);
    base_deal(&n);
    deal_set_str(&n.next_text, "Call the CFO");
    n.next_due = date_from_ymd(2026, 11, 10);
    collected c = {0};
    changes_describe(&o, &n, NULL, date_from_ymd(2026, 11, 20), collect, &c);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.lines[0], "next step: Call the CFO (due 2026-11-10)");
    assert_string_equal(c.lines[1], "next step overdue since 2026-11-10: Call the CFO");

    deal_free(&o);
    base_deal(&o);
    deal_free(&n);
    base_deal(&n);
    n.status = STATUS_MOVED_ON;
    n.moved_on = true;
    deal_set_str(&n.moved_on_reason, "no budget this year");
    n.revisit = date_from_ymd(2027, 6, 1);
    n.close_date = date_from_ymd(2026, 12, 31);
    c.n = 0;
    changes_describe(&o, &n, NULL, date_from_ymd(2026, 11, 20), collect, &c);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.lines[0], "moved on: no budget this year (revisit 2027-06-01)");
    assert_string_equal(c.lines[1], "close date pulled in from 2027-01-31 to 2026-12-31");

    o.status = STATUS_WON;
    n.status = STATUS_OPEN;
    n.close_date = o.close_date;
    c.n = 0;
    changes_describe(&o, &n, NULL, date_from_ymd(2026, 11, 20), collect, &c);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.lines[0], "reopened (was won)");

    /* reopened with a step already past due: that is news */
    deal_set_str(&o.next_text, "Call the CFO");
    o.next_due = date_from_ymd(2026, 11, 10);
    deal_set_str(&n.next_text, "Call the CFO");
    n.next_due = o.next_due;
    c.n = 0;
    changes_describe(&o, &n, NULL, date_from_ymd(2026, 11, 20), collect, &c);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.lines[1], "next step overdue since 2026-11-10: Call the CFO");
    deal_free(&o);
    deal_free(&n);
}

/* An overdue step nobody touched is not news when another field changes. */
static void test_changes_overdue_only_when_news(void **state)
{
    (void)state;
    deal o, n;
    base_deal(&o);
    base_deal(&n);
    deal_set_str(&o.next_text, "Call the CFO");
    o.next_due = date_from_ymd(2026, 11, 10);
    deal_set_str(&n.next_text, "Call the CFO");
    n.next_due = o.next_due;
    n.value = o.value + 1000;
    collected c = {0};
    changes_describe(&o, &n, NULL, date_from_ymd(2026, 11, 20), collect, &c);
    assert_int_equal(c.n, 1);
    assert_true(strncmp(c.lines[0], "value ", 6) == 0);

    n.next_due = date_from_ymd(2026, 11, 12);           /* moved, still past: news */
    c.n = 0;
    changes_describe(&o, &n, NULL, date_from_ymd(2026, 11, 20), collect, &c);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.lines[1], "next step: Call the CFO (due 2026-11-12)");
    assert_string_equal(c.lines[2], "next step overdue since 2026-11-12: Call the CFO");
    deal_free(&o);
    deal_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deal_paths),
        cmocka_unit_test(test_merge_message),
        cmocka_unit_test(test_ssh_urls),
        cmocka_unit_test(test_default_dir),
        cmocka_unit_test(test_changes_new_and_removed),
        cmocka_unit_test(test_changes_edits),
        cmocka_unit_test(test_changes_status_and_overdue),
        cmocka_unit_test(test_changes_overdue_only_when_news),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
