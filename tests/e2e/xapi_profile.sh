#!/bin/sh
# docs/xapi-profile.jsonld is an xAPI Profile that names exactly the verbs, activity
# types and extensions of the statements the kiosk builds (every kind, as built by
# the xapi unit test), both ways. Spoiled profiles (a concept missing, one too many,
# a label language missing) must fail the check, so this test can fail.
set -eu
. "$LK_ROOT/tests/lrs/harness.sh"
T="$LK_BUILD/tests/test_xapi"
[ -x "$T" ] || die "missing $T (make unit-bins)"
P="$LK_ROOT/docs/xapi-profile.jsonld"
LK_XAPI_DUMP="$LK_TMP/all.jsonl" "$T" >/dev/null 2>&1 || die "test_xapi failed"
node "$LRS_DIR/profile.js" "$P" "$LK_TMP/all.jsonl" || die "the profile and the statements differ"
spoiled() { # NAME JS: applies JS to the profile p; the check must refuse the result
    node -e "const fs=require('fs');const p=JSON.parse(fs.readFileSync(process.argv[1]));$2;
             fs.writeFileSync(process.argv[2],JSON.stringify(p))" "$P" "$LK_TMP/$1.jsonld"
    if node "$LRS_DIR/profile.js" "$LK_TMP/$1.jsonld" "$LK_TMP/all.jsonl" >/dev/null; then
        die "the check accepted a profile with $1"
    fi
}
spoiled missing-verb "p.concepts=p.concepts.filter(c=>c.id!=='http://activitystrea.ms/leave')"
spoiled extra-type "p.concepts.push({...p.concepts.find(c=>c.type==='ActivityType'),id:'https://w3id.org/xapi/lob/activity-types/x'})"
spoiled no-english "delete p.concepts[0].prefLabel.en"
spoiled wrong-type "p.concepts.find(c=>c.type==='ContextExtension').type='ResultExtension'"
echo "ok: the xAPI profile names exactly what the kiosk emits; spoiled profiles are refused"
