#!/usr/bin/env bash
# Builds (once, then cached) the base image the image test passes as BASE_IMAGE: Debian bookworm (debootstrap
# --variant=minbase) with this machine's Node.js, npm and certificate authorities. No image registry is reachable from
# the machines the tests run on, so the official Node.js image — the Containerfile's default — cannot be pulled here.
#
# The test's images live in a buildah storage of their own (MODELPORT_BUILDAH_ROOT, default /var/lib/modelport-buildah),
# with the overlay driver where the kernel allows it here (layers share files; much faster) and vfs otherwise (every
# layer a full copy; MODELPORT_BUILDAH_DRIVER forces one). Prints "<driver> <storage root> <image>".
set -euo pipefail
cache="${MODELPORT_IMAGE_CACHE:-/var/cache/modelport-images}"
storage="${MODELPORT_BUILDAH_ROOT:-/var/lib/modelport-buildah}"
node_version="$(node --version)"
image="localhost/modelport-test-base:bookworm-node${node_version#v}"
mkdir -p "$cache"

buildah_() { buildah --root "$storage/$driver" --runroot "$storage/$driver-run" --storage-driver "$driver" "$@"; }

# A one-file image, built and run: proves the driver works on this machine's file systems.
overlay_works() {
  local probe
  probe="$(mktemp -d)"
  printf 'FROM %s\nRUN ["node", "-e", "require(\\"fs\\").writeFileSync(\\"/tmp/probe\\", \\"1\\")"]\n' "$image" >"$probe/Containerfile"
  buildah_ bud --isolation chroot --quiet -t localhost/modelport-driver-probe:1 -f "$probe/Containerfile" "$probe" \
    >/dev/null 2>&1
  local ok=$?
  buildah_ rmi localhost/modelport-driver-probe:1 >/dev/null 2>&1 || true
  rm -rf "$probe"
  return $ok
}

build_base() {
  if [ ! -d "$cache/rootfs" ]; then
    rm -rf "$cache/rootfs.tmp"
    debootstrap --variant=minbase bookworm "$cache/rootfs.tmp" >"$cache/debootstrap.log" 2>&1 ||
      { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
    mv "$cache/rootfs.tmp" "$cache/rootfs"
  fi
  # Node.js links only libc, libstdc++ and libgcc, all in the minimal rootfs; npm is plain JavaScript.
  local root="$cache/rootfs"
  install -D -m 0755 "$(command -v node)" "$root/usr/local/bin/node"
  rm -rf "$root/usr/local/lib/node_modules/npm"
  mkdir -p "$root/usr/local/lib/node_modules"
  cp -a "$(npm root -g)/npm" "$root/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  # The machine's certificate authorities: its registries may be reached through a TLS-inspecting proxy, which npm in
  # the build stage must then trust as the host's npm does.
  install -D -m 0644 "${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}" "$root/etc/ssl/certs/ca-certificates.crt"
  # There is no `buildah import`: the rootfs becomes an image by a FROM scratch build.
  printf '%s\n' 'FROM scratch' 'COPY rootfs/ /' \
    'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' 'CMD ["node"]' >"$cache/Containerfile.base"
  buildah_ bud --isolation chroot --quiet -t "$image" -f "$cache/Containerfile.base" "$cache" >/dev/null
}

ensure_base() { buildah_ inspect --type image "$image" >/dev/null 2>&1 || build_base; }

if [ -n "${MODELPORT_BUILDAH_DRIVER:-}" ]; then
  driver="$MODELPORT_BUILDAH_DRIVER"
  ensure_base
else
  driver=overlay
  if ! { ensure_base 2>/dev/null && overlay_works; }; then
    driver=vfs
    ensure_base
  fi
fi
echo "$driver $storage/$driver $image"
