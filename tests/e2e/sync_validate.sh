#!/bin/sh
# Every kind of statement the kiosk emits (check-in for every event kind,
# check-out, likert/choice/fill-in answers, host confirmation), as built by the
# xapi unit test, passes Learning Locker's validator (@learninglocker/xapi-validation).
# A spoiled statement must fail it, so this test can fail.
set -eu
. "$LK_ROOT/tests/lrs/harness.sh"
lrs_install
T="$LK_BUILD/tests/test_xapi"
[ -x "$T" ] || die "missing $T (make unit-bins)"
LK_XAPI_DUMP="$LK_TMP/all.jsonl" "$T" >/dev/null 2>&1 || die "test_xapi failed"
for verb in attended leave answered confirm; do
    grep -q "$verb" "$LK_TMP/all.jsonl" || die "no '$verb' statement was built"
done
node "$LRS_DIR/validate.js" "$LK_TMP/all.jsonl" || die "a statement does not validate"
# The control: the same check-in with a verb id that is no IRI must be refused.
head -n 1 "$LK_TMP/all.jsonl" | sed 's|"http://adlnet.gov/expapi/verbs/attended"|"attended"|' \
    >"$LK_TMP/bad.jsonl"
if node "$LRS_DIR/validate.js" "$LK_TMP/bad.jsonl" >/dev/null; then
    die "the validator accepted a spoiled statement"
fi
echo "ok: all statement kinds valid; a spoiled one is refused"
