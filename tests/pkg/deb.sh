#!/usr/bin/env bash
# pkg-deb: the Debian package builds and holds what it should (issue 18).
#  - dpkg-buildpackage -b -us -uc on a scratch copy of the tree (tracked and
#    untracked files, no build directories) gives vgw_VERSION_ARCH.deb,
#    VERSION being meson.build's project version;
#  - dpkg -x into a temp root: vgwd, vgwctl, the XDP object, /etc/vgw/vgw.conf
#    (a conffile), the systemd unit, the BIRD/FRR examples, the docs; the
#    postinst creates group vgw; the unit is neither enabled nor started;
#  - lintian: no E: tag (the W:/I: tags are printed);
#  - systemd-analyze verify on the unit, its ExecStart pointed at the
#    unpacked vgwd;
#  - the unpacked vgwd: --version, --check on the shipped file (0) and on a
#    broken one (1, FILE:LINE); with the unpacked vgwctl it runs the demo
#    topology (tests/demo.sh);
#  - `meson install --destdir` of the same build installs the same files as
#    the package (less what dh adds: copyright, changelog, the lintian
#    override; .gz).
# usage: deb.sh SOURCE_DIR VERSION     (exit 0 pass, 1 fail, 77 skip)
set -uo pipefail
SRC=${1:?usage: deb.sh SOURCE_DIR VERSION}
VERSION=${2:?usage: deb.sh SOURCE_DIR VERSION}
FAILS=0
pass() { printf 'PASS: %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*"; FAILS=$((FAILS + 1)); }
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
skip() { printf 'SKIP: %s\n' "$*"; exit 77; }

for t in dpkg-buildpackage dh dpkg-deb lintian; do
  command -v "$t" >/dev/null 2>&1 || skip "$t not installed (tests/setup.sh installs it)"
done
command -v systemd-analyze >/dev/null 2>&1 || skip "systemd-analyze not installed (package systemd)"

TMP=$(mktemp -d /tmp/vgw-pkg.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/src"
# the tree as it is (committed or not), without build output
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
  (cd "$SRC" && git ls-files -z --cached --others --exclude-standard |
     xargs -0 -I{} sh -c '[ -e "$1" ] && printf "%s\0" "$1"' _ {} |
     tar --null -T - -cf -) | tar -xf - -C "$TMP/src"
else
  tar -C "$SRC" --exclude='./build*' --exclude='./obj-*' -cf - . | tar -xf - -C "$TMP/src"
fi
echo "building the package in $TMP/src (log: build.log)"
start=$(date +%s)
(cd "$TMP/src" && dpkg-buildpackage -b -us -uc -j"$(nproc)") >"$TMP/build.log" 2>&1
rc=$?
echo "dpkg-buildpackage: exit $rc after $(( $(date +%s) - start )) s"
if [ "$rc" -ne 0 ]; then
  tail -n 60 "$TMP/build.log" | sed 's/^/    /'
  fail "dpkg-buildpackage -b -us -uc"
  exit 1
fi
pass "dpkg-buildpackage -b -us -uc"
ARCH=$(dpkg-architecture -qDEB_HOST_ARCH)
DEB="$TMP/vgw_${VERSION}_${ARCH}.deb"
check "vgw_${VERSION}_${ARCH}.deb built (changelog version = meson project version)" [ -f "$DEB" ]
[ -f "$DEB" ] || { ls "$TMP"; exit 1; }

ROOT="$TMP/root"
dpkg -x "$DEB" "$ROOT"
dpkg-deb -e "$DEB" "$TMP/control"
for f in /usr/bin/vgwd /usr/bin/vgwctl /usr/lib/*/vgw/vgw_xdp.o /etc/vgw/vgw.conf \
         /lib/systemd/system/vgwd.service \
         /usr/share/doc/vgw/examples/bird/vgw-bird.conf \
         /usr/share/doc/vgw/examples/bird/upstream-bird.conf \
         /usr/share/doc/vgw/examples/frr/frr.conf /usr/share/doc/vgw/examples/frr/daemons \
         /usr/share/doc/vgw/copyright; do
  # shellcheck disable=SC2086
  check "ships $f" bash -c 'ls $1 >/dev/null 2>&1' _ "$ROOT$f"
done
for f in examples/vgw.conf README.md doc/operations.md doc/cli.md; do
  check "ships /usr/share/doc/vgw/$f[.gz]" \
    bash -c '[ -f "$1" ] || [ -f "$1.gz" ]' _ "$ROOT/usr/share/doc/vgw/$f"
done
check "/etc/vgw/vgw.conf is a conffile" grep -qx /etc/vgw/vgw.conf "$TMP/control/conffiles"
check "/etc/vgw/vgw.conf is conf/vgw.conf" cmp -s "$ROOT/etc/vgw/vgw.conf" "$SRC/conf/vgw.conf"
check "postinst creates group vgw" grep -q "addgroup --system vgw" "$TMP/control/postinst"
# dh_installsystemd --no-enable --no-start: its "dont-enable" snippet (which
# enables only a unit the admin had enabled before, on upgrade) and no
# deb-systemd-invoke (nothing started or restarted)
check "the service is neither enabled nor started at install" \
  bash -c 'grep -q "deb-systemd-helper debian-installed .vgwd.service." "$1" &&
           ! grep -q "deb-systemd-invoke" "$1"' _ "$TMP/control/postinst" ||
  sed 's/^/    /' "$TMP/control/postinst"
check "vgwd, vgwctl executable" [ -x "$ROOT/usr/bin/vgwd" ] && [ -x "$ROOT/usr/bin/vgwctl" ]

echo "lintian:"
lintian --tag-display-limit 0 "$DEB" >"$TMP/lintian.out" 2>&1
sed 's/^/    /' "$TMP/lintian.out"
check "lintian: no error" bash -c '! grep -q "^E:" "$1"' _ "$TMP/lintian.out"

# the unit as shipped, its commands pointed at the unpacked binary (the
# host has no /usr/bin/vgwd: it is not installed here)
sed "s|/usr/bin/vgwd|$ROOT/usr/bin/vgwd|g" "$ROOT/lib/systemd/system/vgwd.service" \
  >"$TMP/vgwd.service"
check "the unit names /usr/bin/vgwd and /etc/vgw/vgw.conf" \
  grep -q "^ExecStart=/usr/bin/vgwd -c /etc/vgw/vgw.conf$" "$ROOT/lib/systemd/system/vgwd.service"
check "the unit is Type=notify" grep -qx "Type=notify" "$TMP/vgwd.service"
out=$(systemd-analyze verify "$TMP/vgwd.service" 2>&1); rc=$?
[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/    /'
check "systemd-analyze verify vgwd.service" [ "$rc" -eq 0 ]

out=$("$ROOT/usr/bin/vgwd" --version 2>&1); rc=$?
check "unpacked vgwd --version: vgwd $VERSION" \
  bash -c '[ "$1" -eq 0 ] && grep -qx "vgwd $2" <<<"$3"' _ "$rc" "$VERSION" "$out"
out=$("$ROOT/usr/bin/vgwd" --check -c "$ROOT/etc/vgw/vgw.conf" 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/    /'
check "unpacked vgwd --check on the shipped /etc/vgw/vgw.conf: exit 0" [ "$rc" -eq 0 ]
printf 'lcores 0,1\nprot p0 dev net_null0 role public address 10.0.0.1/24\n' >"$TMP/bad.conf"
out=$("$ROOT/usr/bin/vgwd" --check -c "$TMP/bad.conf" 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/    /'
check "unpacked vgwd --check on a broken file: exit 1 at its line" \
  bash -c '[ "$1" -eq 1 ] && grep -qF "$2:2: unknown setting or command" <<<"$3"' \
  _ "$rc" "$TMP/bad.conf" "$out"

# the unpacked binaries run the demo topology (tests/demo.sh: routing, TCP,
# ECMP between namespaces it creates and removes), given as a build directory
# of links to them
FAKE="$TMP/installed"
mkdir -p "$FAKE/app/vgwd" "$FAKE/app/vgwctl"
ln -s "$ROOT/usr/bin/vgwd" "$FAKE/app/vgwd/vgwd"
ln -s "$ROOT/usr/bin/vgwctl" "$FAKE/app/vgwctl/vgwctl"
timeout 240 "$SRC/tests/demo.sh" "$FAKE" >"$TMP/demo.log" 2>&1; rc=$?
[ "$rc" -eq 0 ] || tail -n 30 "$TMP/demo.log" | sed 's/^/    /'
check "the unpacked vgwd and vgwctl run the demo topology (exit $rc, $(grep -c '^PASS' "$TMP/demo.log") checks passed)" \
  [ "$rc" -eq 0 ]

# meson install of dh's own build directory: the same set of files
OBJ=$(ls -d "$TMP"/src/obj-* 2>/dev/null | head -n 1)
if [ -n "$OBJ" ]; then
  meson install -C "$OBJ" --no-rebuild --destdir "$TMP/minst" >"$TMP/minst.log" 2>&1
  (cd "$TMP/minst" && find . -type f -o -type l | sed 's/\.gz$//' | sort) >"$TMP/minst.list"
  (cd "$ROOT" && find . -type f -o -type l | sed 's/\.gz$//' |
     grep -vE '^\./usr/share/doc/vgw/(copyright|changelog(\.Debian)?)$' |
     grep -vx './usr/share/lintian/overrides/vgw' | sort) >"$TMP/deb.list"
  d=$(diff "$TMP/minst.list" "$TMP/deb.list")
  [ -n "$d" ] && printf '%s\n' "$d" | sed 's/^/    /'
  check "meson install installs the same files as the package" [ -z "$d" ]
else
  fail "no obj-* build directory left by dh to meson-install from"
fi

if [ "$FAILS" -eq 0 ]; then echo "RESULT: all checks passed"; exit 0; fi
echo "RESULT: $FAILS check(s) failed"; exit 1
