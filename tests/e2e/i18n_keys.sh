#!/bin/sh
# Every text in assets/i18n is shown somewhere, and every text the code asks for
# exists in both languages:
# - each key of nl.ini and en.ini appears in the sources as a "section.key" literal
#   (a text with plural forms, "key.one"/"key.other", as "section.key"), or, for the
#   sections looked up by a token ([refusal] by lk_reason_token, [camera] by
#   framesrc_state_token), its name is one of those tokens;
# - each "section.key" literal in the sources has a text (or both plural forms) in
#   nl.ini and in en.ini.
set -eu
ROOT=${LK_ROOT:-$(pwd)}
cd "$ROOT"
T=$(mktemp -d /tmp/lk-i18n-keys.XXXXXX)
trap 'rm -rf "$T"' EXIT

# "section.key" per line, from an INI file.
keys() {
    awk '/^\[/ { s = substr($0, 2, index($0, "]") - 2); next }
         /^[a-z0-9_.]+ *=/ { k = $0; sub(/ *=.*/, "", k); print s "." k }' "$1" | sort
}
keys assets/i18n/nl.ini > "$T/nl"
keys assets/i18n/en.ini > "$T/en"
[ -s "$T/nl" ] || { echo "i18n_keys: no keys read from nl.ini"; exit 1; }
fail=0
if ! cmp -s "$T/nl" "$T/en"; then
    echo "i18n_keys: nl.ini and en.ini differ in keys:"
    diff "$T/nl" "$T/en" || true
    fail=1
fi
sections=$(sed 's/\..*//' "$T/nl" | sort -u | tr '\n' '|' | sed 's/|$//')
# The tokens of the sections looked up by token.
reasons=$(sed -n 's/.*\] = "\([a-z_]*\)".*/\1/p' src/core/status.c)
cameras=$(sed -n '/framesrc_state_token/,/^}/s/.*return "\([a-z_]*\)".*/\1/p' src/scan/framesrc.c)
[ -n "$reasons" ] && [ -n "$cameras" ] || { echo "i18n_keys: could not read the reason or camera tokens"; exit 1; }
# Literals in the code that name a text.
grep -rhoE "\"($sections)\.[a-z0-9_]+\"" src | tr -d '"' | sort -u > "$T/used"
[ -s "$T/used" ] || { echo "i18n_keys: no text keys found in src"; exit 1; }

unused=0
while read -r key; do
    base=${key%.one}
    base=${base%.other}
    sec=${key%%.*}
    name=${base#*.}
    grep -qxF "$base" "$T/used" && continue
    case $sec in
    refusal) echo "$reasons" | grep -qxF "$name" && continue ;;
    camera) echo "$cameras" | grep -qxF "$name" && continue ;;
    esac
    echo "i18n_keys: $key is in the text files but never shown"
    unused=$((unused + 1))
done < "$T/nl"

missing=0
while read -r key; do
    for lang in nl en; do
        grep -qxF "$key" "$T/$lang" && continue
        if grep -qxF "$key.one" "$T/$lang" && grep -qxF "$key.other" "$T/$lang"; then continue; fi
        echo "i18n_keys: the code asks for $key, $lang.ini lacks it"
        missing=$((missing + 1))
    done
done < "$T/used"
# The token-looked-up sections need a text for every token.
for r in $reasons; do
    [ "$r" = none ] && continue # not a refusal
    for lang in nl en; do
        grep -qxF "refusal.$r" "$T/$lang" || { echo "i18n_keys: $lang.ini lacks refusal.$r"; missing=$((missing + 1)); }
    done
done
for c in $cameras; do
    for lang in nl en; do
        grep -qxF "camera.$c" "$T/$lang" || { echo "i18n_keys: $lang.ini lacks camera.$c"; missing=$((missing + 1)); }
    done
done
[ "$fail" = 0 ] && [ "$unused" = 0 ] && [ "$missing" = 0 ] || exit 1
echo "i18n_keys: $(wc -l < "$T/nl") texts, all shown, $(wc -l < "$T/used") keys in the code, all in nl and en"
