#!/bin/sh
# lobkiosk passes end to end: a roster in three encodings and scripts (Latin with
# diacritics in Windows-1252, Cyrillic, Arabic, CJK and Vietnamese in UTF-16) into A4
# PDF sheets and 300 dpi PNGs. Every QR code on the pages, rasterised at 150 dpi,
# must scan with the kiosk's own decoder (card by card: it reports up to four codes a
# frame) and with zbarimg, and verify as a pass at a kiosk that trusts the key.
set -eu
: "${LOBKIOSK:?set LOBKIOSK to the lobkiosk binary}"
L=$LOBKIOSK
T=$(mktemp -d "${TMPDIR:-/tmp}/lk-passes.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
fail() { echo "passes_cli: $*" >&2; exit 1; }

"$L" keygen --issuer 00AA --key-id K1 --out "$T/keys" >"$T/trust.ini" 2>/dev/null
cat >"$T/kiosk.ini" <<INI
[kiosk]
id = K-PASSES
data_dir = data
event = OPEN1

$(cat "$T/trust.ini")
name = Testcollege Noord
home_page = https://dossier.example.nl/00AA

[event.OPEN1]
title = Open dag
kind = open_day
host = Testcollege
start = 2020-01-01T08:00
end = 2099-01-01T08:00
mode = checkin
INI
K="$T/keys/00AA-K1.key"
export LOBKIOSK_FAKE_NOW=2027-03-01T10:00:00+01:00

# Both rosters in one file set: 7 from Excel's classic CSV, 8 from Unicode text.
"$L" --config "$T/kiosk.ini" passes --key "$K" --roster tests/data/roster-cp1252.csv \
    --expires 2027-07-31 --out "$T/a.pdf" >"$T/out" 2>"$T/err" || fail "cp1252: $(cat "$T/err")"
grep -q '^7 passes on 2 pages' "$T/out" || fail "cp1252: $(cat "$T/out")"
"$L" --config "$T/kiosk.ini" passes --key "$K" --roster tests/data/roster-utf16.txt \
    --expires 2027-07-31 --out "$T/b.pdf" --png-dir "$T/png" >"$T/out" 2>"$T/err" || fail "utf16: $(cat "$T/err")"
grep -q '^8 passes on 2 pages' "$T/out" || fail "utf16: $(cat "$T/out")"

# The school's name from kiosk.ini, every first name as text in the PDF.
pdftotext "$T/a.pdf" "$T/a.txt"
pdftotext "$T/b.pdf" "$T/b.txt"
for name in Zoë Noëlle Chloë Esmée Björn Renée "Testcollege Noord" "Geldig t/m 31-07-2027" "Nr. 6005"; do
    grep -qF "$name" "$T/a.txt" || fail "a.pdf lacks '$name'"
done
for name in Наталья "Minh Thư" "Ngọc Ánh" 李明 さくら Amira; do
    grep -qF "$name" "$T/b.txt" || fail "b.pdf lacks '$name'"
done
# Pango found fonts for Arabic (Noto or DejaVu) and CJK (fonts-noto-cjk).
pdffonts "$T/b.pdf" | grep -qE "Arabic|DejaVuSans" || fail "no font with Arabic in b.pdf"
pdffonts "$T/b.pdf" | grep -q CJK || fail "no CJK font in b.pdf"

# Rasterise at 150 dpi; cut each card out of the grid (ID-1 cards, 2 x 5, centred).
: >"$T/ours"
: >"$T/zbar"
for pdf in a b; do
    pdftoppm -r 150 -png "$T/$pdf.pdf" "$T/$pdf"
    for page in "$T/$pdf"-*.png; do
        zbarimg -q --raw "$page" >>"$T/zbar" 2>/dev/null || true
        for row in 0 1 2 3 4; do
            for col in 0 1; do
                x=$(awk -v c="$col" 'BEGIN { printf "%d", (19.4 + c * 85.6) * 150 / 25.4 }')
                y=$(awk -v r="$row" 'BEGIN { printf "%d", (13.5 + r * 54) * 150 / 25.4 }')
                convert "$page" -crop 506x319+"$x"+"$y" +repage "$T/card.png"
                "$L" decode "$T/card.png" >>"$T/ours" 2>/dev/null || true
            done
        done
    done
done
[ "$(sort -u "$T/ours" | wc -l)" = 15 ] || fail "our decoder read $(sort -u "$T/ours" | wc -l) of 15 passes"
[ "$(sort -u "$T/zbar" | wc -l)" = 15 ] || fail "zbarimg read $(sort -u "$T/zbar" | wc -l) of 15 passes"
cmp -s "$T/ours" "$T/zbar" 2>/dev/null || sort -u "$T/ours" >"$T/ours.s"
sort -u "$T/zbar" >"$T/zbar.s"
sort -u "$T/ours" | cmp -s - "$T/zbar.s" || fail "the two decoders read different passes"
# Each verifies and checks in: signed by the key, for the right subject and date.
while read -r p; do
    out=$("$L" --config "$T/kiosk.ini" checkin "$p" 2>&1) || fail "pass refused: $out"
    case $out in checked_in*) ;; *) fail "pass not checked in: $out" ;; esac
    case $p in LOB1.00AA.S.[678]00[1-8].20270731.K1.*) ;; *) fail "unexpected payload $p" ;; esac
done <"$T/zbar.s"
# No first name in any QR code.
if grep -qE 'Zo|Bj|Amira' "$T/zbar.s"; then fail "a name in a QR code"; fi

# PNGs: one per student, named by subject, 300 dpi recorded, and they scan.
[ "$(ls "$T/png" | wc -l)" = 8 ] || fail "want 8 PNGs: $(ls "$T/png")"
identify -units PixelsPerInch -format '%x %w %h\n' "$T/png/00AA-7005.png" 2>/dev/null |
    grep -q '^300 1011 638$' || fail "PNG not 300 dpi ID-1: $(identify -units PixelsPerInch -format '%x %w %h' "$T/png/00AA-7005.png" 2>/dev/null)"
"$L" decode "$T/png/00AA-7007.png" | grep -q '^LOB1.00AA.S.7007.20270731.K1.' || fail "PNG does not scan"

# Host passes, and refusals: a missing roster, a roster with no student rows, a
# bad role, a date that does not exist.
"$L" passes --key "$K" --roster tests/data/roster-stamnr.csv --role H --expires 2027-07-31 \
    --school "Bouwbedrijf" --out "$T/h.pdf" >"$T/out" 2>&1 || fail "host passes: $(cat "$T/out")"
pdftotext "$T/h.pdf" - | grep -q Begeleiderspas || fail "host cards not titled"
pdftotext "$T/h.pdf" - | grep -q Bouwbedrijf || fail "--school not printed"
set +e
"$L" passes --key "$K" --roster "$T/none.csv" --expires 2027-07-31 --out "$T/x.pdf" 2>/dev/null; rc1=$?
printf 'id;voornaam\n' >"$T/empty.csv"
"$L" passes --key "$K" --roster "$T/empty.csv" --expires 2027-07-31 --out "$T/x.pdf" 2>/dev/null; rc2=$?
"$L" passes --key "$K" --roster "$T/empty.csv" --expires 2027-07-31 --out "$T/x.pdf" --role A 2>/dev/null; rc3=$?
"$L" passes --key "$K" --roster "$T/empty.csv" --expires 2027-02-30 --out "$T/x.pdf" 2>/dev/null; rc4=$?
set -e
[ "$rc1 $rc2 $rc3 $rc4" = "3 3 2 2" ] || fail "refusals exit $rc1 $rc2 $rc3 $rc4, want 3 3 2 2"
[ ! -e "$T/x.pdf" ] || fail "a refused run left a PDF"
echo "passes_cli: ok"
