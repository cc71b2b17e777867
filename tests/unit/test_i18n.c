/* Tests of the i18n module: loading INI texts, fallback to Dutch, placeholders,
 * cutting on character boundaries, and that the shipped nl/en files agree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lobkiosk/i18n.h"

static char tmpdir[64];

static void write_file(const char *name, const char *text, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lk-i18n-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_null_and_empty(void **state)
{
    assert_string_equal(i18n_language(NULL), "nl");
    assert_string_equal(i18n_get(NULL, "a.b"), "a.b");
    assert_string_equal(i18n_get(NULL, NULL), "");
    assert_false(i18n_set_language(NULL, "en"));
    i18n_destroy(NULL);
    i18n *t = i18n_create();
    assert_non_null(t);
    char err[256];
    assert_int_equal(i18n_load_file(t, "nl", NULL, err, sizeof err), LK_ERR_INVALID);
    assert_int_equal(i18n_load_file(t, "NL", "/x", err, sizeof err), LK_ERR_INVALID);
    assert_int_equal(i18n_load_file(t, "", "/x", err, sizeof err), LK_ERR_INVALID);
    assert_int_equal(i18n_load_file(t, "nl", "/nonexistent/x.ini", err, sizeof err),
                     LK_ERR_NOT_FOUND);
    assert_non_null(strstr(err, "/nonexistent/x.ini"));
    /* no texts at all: the key comes back and is counted */
    assert_string_equal(i18n_get(t, "idle.title"), "idle.title");
    assert_int_equal(i18n_missing(t), 1);
    assert_string_equal(i18n_last_missing(t), "idle.title");
    assert_false(i18n_set_language(t, "en"));
    char buf[8];
    assert_false(i18n_format(t, "x.y", NULL, buf, 0));
    i18n_destroy(t);
}

static void test_lookup_and_fallback(void **state)
{
    char nl[256], en[256], err[256];
    write_file("nl.ini", "; comment\n[idle]\ntitle = Scan je LOB-pas\nonly_nl = Alleen NL\n", nl,
               sizeof nl);
    write_file("en.ini", "[idle]\ntitle = Scan your LOB pass\n", en, sizeof en);
    i18n *t = i18n_create();
    assert_int_equal(i18n_load_file(t, "nl", nl, err, sizeof err), LK_OK);
    assert_int_equal(i18n_load_file(t, "en", en, err, sizeof err), LK_OK);
    assert_string_equal(i18n_get(t, "idle.title"), "Scan je LOB-pas");
    assert_true(i18n_set_language(t, "en"));
    assert_string_equal(i18n_language(t), "en");
    assert_string_equal(i18n_get(t, "idle.title"), "Scan your LOB pass");
    assert_string_equal(i18n_get(t, "idle.only_nl"), "Alleen NL"); /* falls back */
    assert_true(i18n_has(t, "nl", "idle.only_nl"));
    assert_false(i18n_has(t, "en", "idle.only_nl"));
    assert_string_equal(i18n_get_lang(t, "nl", "idle.title"), "Scan je LOB-pas");
    assert_int_equal(i18n_missing(t), 0);
    assert_false(i18n_set_language(t, "de")); /* not loaded */
    assert_string_equal(i18n_language(t), "en");
    i18n_destroy(t);
}

static void test_hostile_files(void **state)
{
    char p[256], err[256];
    i18n *t = i18n_create();
    write_file("nosec.ini", "key = no section\n", p, sizeof p);
    assert_int_equal(i18n_load_file(t, "nl", p, err, sizeof err), LK_ERR_CONFIG);
    write_file("junk.ini", "[a]\nthis line has no equals sign\n", p, sizeof p);
    assert_int_equal(i18n_load_file(t, "nl", p, err, sizeof err), LK_ERR_CONFIG);
    assert_non_null(strstr(err, ":2:"));
    write_file("empty.ini", "", p, sizeof p);
    assert_int_equal(i18n_load_file(t, "nl", p, err, sizeof err), LK_OK);
    /* a later file replaces a text */
    write_file("a.ini", "[a]\nk = one\n", p, sizeof p);
    assert_int_equal(i18n_load_file(t, "nl", p, err, sizeof err), LK_OK);
    write_file("b.ini", "[a]\nk = two\n", p, sizeof p);
    assert_int_equal(i18n_load_file(t, "nl", p, err, sizeof err), LK_OK);
    assert_string_equal(i18n_get(t, "a.k"), "two");
    i18n_destroy(t);
}

static void test_format(void **state)
{
    char p[256], err[256], buf[64];
    write_file("f.ini",
               "[welcome]\nhello = Welkom, {name}!\ntwo = {a}-{b}-{a}\nopen = {unclosed\n"
               "unknown = Hoi {who}\n",
               p, sizeof p);
    i18n *t = i18n_create();
    assert_int_equal(i18n_load_file(t, "nl", p, err, sizeof err), LK_OK);
    const char *vars[] = {"name", "Sanne", NULL};
    assert_true(i18n_format(t, "welcome.hello", vars, buf, sizeof buf));
    assert_string_equal(buf, "Welkom, Sanne!");
    const char *ab[] = {"a", "1", "b", "22", NULL};
    assert_true(i18n_format(t, "welcome.two", ab, buf, sizeof buf));
    assert_string_equal(buf, "1-22-1");
    assert_true(i18n_format(t, "welcome.open", ab, buf, sizeof buf));
    assert_string_equal(buf, "{unclosed");
    assert_true(i18n_format(t, "welcome.unknown", NULL, buf, sizeof buf));
    assert_string_equal(buf, "Hoi {who}");
    /* A value that does not fit is cut on a character boundary: "é" is 2 bytes. */
    const char *longname[] = {"name", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", NULL};
    char small[13]; /* "Welkom, " is 8 bytes; room for 4 more */
    assert_false(i18n_format(t, "welcome.hello", longname, small, sizeof small));
    assert_string_equal(small, "Welkom, \xc3\xa9\xc3\xa9");
    i18n_destroy(t);
}

/* Plural forms: "key.one" for exactly 1, "key.other" for 0 and the rest (CLDR nl
 * and en), "other" when a language has no "one", the plain key when no forms. */
static void test_plural(void **state)
{
    char nl[256], en[256], err[256], buf[64];
    write_file("pnl.ini",
               "[done]\nn.one = {count} antwoord\nn.other = {count} antwoorden\nplain = {count} x\n"
               "only_other.other = {count} keer\n",
               nl, sizeof nl);
    write_file("pen.ini", "[done]\nn.one = {count} answer\nn.other = {count} answers\n", en,
               sizeof en);
    i18n *t = i18n_create();
    assert_int_equal(i18n_load_file(t, "nl", nl, err, sizeof err), LK_OK);
    assert_int_equal(i18n_load_file(t, "en", en, err, sizeof err), LK_OK);
    assert_string_equal(i18n_plural_category("nl", 1), "one");
    assert_string_equal(i18n_plural_category("nl", 0), "other");
    assert_string_equal(i18n_plural_category("en", 2), "other");
    assert_string_equal(i18n_plural_category("en", -1), "other");
    const long long ns[] = {0, 1, 2, 11, 21, 101};
    const char *const want_nl[] = {"0 antwoorden",  "1 antwoord",    "2 antwoorden",
                                   "11 antwoorden", "21 antwoorden", "101 antwoorden"};
    const char *const want_en[] = {"0 answers",  "1 answer",   "2 answers",
                                   "11 answers", "21 answers", "101 answers"};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        char n[24];
        snprintf(n, sizeof n, "%lld", ns[i]);
        const char *vars[] = {"count", n, NULL};
        assert_true(i18n_set_language(t, "nl"));
        assert_true(i18n_format_n(t, "done.n", ns[i], vars, buf, sizeof buf));
        assert_string_equal(buf, want_nl[i]);
        assert_true(i18n_set_language(t, "en"));
        assert_true(i18n_format_n(t, "done.n", ns[i], vars, buf, sizeof buf));
        assert_string_equal(buf, want_en[i]);
    }
    const char *one[] = {"count", "1", NULL};
    /* English lacks these: Dutch forms, then "other", then the plain key */
    assert_true(i18n_format_n(t, "done.only_other", 1, one, buf, sizeof buf));
    assert_string_equal(buf, "1 keer");
    assert_true(i18n_format_n(t, "done.plain", 1, one, buf, sizeof buf));
    assert_string_equal(buf, "1 x");
    assert_int_equal(i18n_missing(t), 0);
    assert_true(i18n_format_n(t, "done.none", 1, one, buf, sizeof buf));
    assert_string_equal(buf, "done.none.one");
    assert_int_equal(i18n_missing(t), 1);
    assert_false(i18n_format_n(t, "done.n", 1, one, buf, 0));
    i18n_destroy(t);
}

/* Every key of the shipped Dutch file has an English text and the other way
 * round, and no text is empty: a missing translation shows as a raw key. */
/* Checks every key of the file for lang against the other table. */
static int keys_agree(const char *path, const char *lang, i18n *self, const char *other_lang,
                      i18n *other)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512], section[64] = "";
    int keys = 0;
    while (fgets(line, sizeof line, f)) {
        char key[128];
        if (sscanf(line, "[%63[^]]]", section) == 1)
            continue;
        if (line[0] == ';' || line[0] == '\n' || sscanf(line, "%127[a-z0-9_.] =", key) != 1)
            continue;
        char full[200];
        snprintf(full, sizeof full, "%s.%s", section, key);
        if (!i18n_has(other, other_lang, full))
            fail_msg("%s has %s, the %s file lacks it", path, full, other_lang);
        if (strlen(i18n_get_lang(self, lang, full)) == 0)
            fail_msg("%s: %s is empty", path, full);
        /* a text with plural forms has both */
        size_t kl = strlen(full);
        if (kl > 4 && strcmp(full + kl - 4, ".one") == 0) {
            char o[208];
            snprintf(o, sizeof o, "%.*s.other", (int)(kl - 4), full);
            if (!i18n_has(self, lang, o))
                fail_msg("%s: %s without %s", path, full, o);
        }
        keys++;
    }
    fclose(f);
    return keys;
}

static void test_shipped_files_agree(void **state)
{
    char err[256];
    i18n *nl = i18n_create(), *en = i18n_create();
    assert_int_equal(i18n_load_file(nl, "nl", "assets/i18n/nl.ini", err, sizeof err), LK_OK);
    assert_int_equal(i18n_load_file(en, "en", "assets/i18n/en.ini", err, sizeof err), LK_OK);
    int keys = keys_agree("assets/i18n/nl.ini", "nl", nl, "en", en);
    assert_int_equal(keys_agree("assets/i18n/en.ini", "en", en, "nl", nl), keys);
    assert_true(keys > 40);
    i18n *both = i18n_create();
    assert_int_equal(i18n_load_dir(both, ".", err, sizeof err), LK_ERR_NOT_FOUND);
    assert_int_equal(i18n_load_dir(both, "assets", err, sizeof err), LK_OK);
    assert_true(i18n_has_language(both, "en"));
    i18n_destroy(both);
    i18n_destroy(nl);
    i18n_destroy(en);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_and_empty), cmocka_unit_test(test_lookup_and_fallback),
        cmocka_unit_test(test_hostile_files),  cmocka_unit_test(test_format),
        cmocka_unit_test(test_plural),         cmocka_unit_test(test_shipped_files_agree),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
