#!/bin/sh
# Turns a stock Raspberry Pi OS Lite (Debian 12 based) into a lobkiosk: installs the
# packages, builds and installs the program, creates the kiosk user, the config and
# data folders with safe permissions, the udev rules and the systemd unit.
#
#   sudo firmware-free-app/install.sh            install and enable
#   firmware-free-app/install.sh --root DIR --no-apt --no-build --no-systemctl
#                                                stage the files under DIR (for tests)
#   firmware-free-app/install.sh --print-packages
#                                                the Debian packages it installs
set -eu

# What the kiosk needs to be built here and to run: a compiler, pkg-config and
# the -dev package of every library in the Makefile's PKGS, fonts and CA
# certificates. Nothing the tests or the demo need (no clang, Node.js, Xvfb,
# ImageMagick, zbar-tools): those stay on the development machine (scripts/deps).
PACKAGES="build-essential pkg-config
libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libqrencode-dev libzbar-dev
libsqlite3-dev libcurl4-openssl-dev libsodium-dev libjansson-dev libinih-dev
libsystemd-dev libcairo2-dev libpango1.0-dev libpng-dev libturbojpeg0-dev
fonts-noto-core fonts-dejavu-core ca-certificates"

ROOT=""
APT=1
BUILD=1
SYSTEMCTL=1
while [ $# -gt 0 ]; do
    case "$1" in
        --root) ROOT=$2; shift 2 ;;
        --no-apt) APT=0; shift ;;
        --no-build) BUILD=0; shift ;;
        --no-systemctl) SYSTEMCTL=0; shift ;;
        --print-packages) echo $PACKAGES | tr ' ' '\n'; exit 0 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)

if [ -z "$ROOT" ] && [ "$(id -u)" != 0 ]; then
    echo "install.sh: run as root (sudo), or stage with --root DIR" >&2
    exit 1
fi

if [ "$APT" = 1 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $PACKAGES
fi
if [ "$BUILD" = 1 ]; then
    make -C "$SRC" all
    make -C "$SRC" install DESTDIR="$ROOT" PREFIX=/usr/local
fi

# The kiosk user: no login shell, no home to speak of, only the groups it needs.
if [ -z "$ROOT" ]; then
    if ! id lobkiosk >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/lobkiosk --shell /usr/sbin/nologin lobkiosk
    fi
    for g in video render input audio plugdev; do
        getent group "$g" >/dev/null 2>&1 && usermod -a -G "$g" lobkiosk
    done
fi

install -d -m 0755 "$ROOT/etc/lobkiosk"
install -d -m 0700 "$ROOT/var/lib/lobkiosk"
install -d -m 0755 "$ROOT/media/lobkiosk"
install -d -m 0755 "$ROOT/etc/systemd/system" "$ROOT/etc/udev/rules.d" "$ROOT/etc/sysctl.d" \
    "$ROOT/etc/systemd/logind.conf.d"

# The configuration holds no secret itself, but points at the LRS credentials:
# readable by the kiosk user, never by others. An existing config is kept.
if [ ! -f "$ROOT/etc/lobkiosk/kiosk.ini" ]; then
    sed -e 's/@KIOSK_ID@/kiosk-1/' -e 's/@DEMO@/false/g' \
        -e 's|^data_dir = data|data_dir = /var/lib/lobkiosk|' \
        -e 's/@CAMERA_SOURCE@/v4l2/' -e 's/@FULLSCREEN@/true/' \
        -e 's/@WIDTH@/0/' -e 's/@HEIGHT@/0/' -e 's/@PIN_HASH@//' \
        "$SRC/assets/demo/kiosk.example.ini" > "$ROOT/etc/lobkiosk/kiosk.ini.example"
    echo "install.sh: edit $ROOT/etc/lobkiosk/kiosk.ini.example and save it as kiosk.ini"
fi
install -m 0644 "$HERE/lobkiosk.service" "$ROOT/etc/systemd/system/lobkiosk.service"
install -m 0644 "$HERE/lobkiosk-usb@.service" "$ROOT/etc/systemd/system/lobkiosk-usb@.service"
install -m 0644 "$HERE/99-lobkiosk.rules" "$ROOT/etc/udev/rules.d/99-lobkiosk.rules"
# No SysRq, no login prompts on spare consoles.
install -m 0644 "$HERE/90-lobkiosk-sysctl.conf" "$ROOT/etc/sysctl.d/90-lobkiosk.conf"
install -m 0644 "$HERE/lobkiosk-logind.conf" "$ROOT/etc/systemd/logind.conf.d/lobkiosk.conf"

if [ -z "$ROOT" ]; then
    chown -R lobkiosk:lobkiosk /var/lib/lobkiosk /media/lobkiosk
    chgrp lobkiosk /etc/lobkiosk
    chmod 0750 /etc/lobkiosk
fi

if [ "$SYSTEMCTL" = 1 ] && [ -z "$ROOT" ]; then
    udevadm control --reload-rules && udevadm trigger || true
    sysctl -q -p /etc/sysctl.d/90-lobkiosk.conf || true
    systemctl daemon-reload
    for n in 2 3 4 5 6; do
        systemctl mask -q "getty@tty$n.service" "autovt@tty$n.service" || true
    done
    systemctl enable lobkiosk.service
    echo "install.sh: done. Put kiosk.ini in place, then: systemctl start lobkiosk"
fi
