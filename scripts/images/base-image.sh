#!/usr/bin/env bash
# Builds (once, then cached) the base image the image test passes as BASE_IMAGE: Debian bookworm (debootstrap
# --variant=minbase) with this machine's Node.js and npm. No image registry is reachable from the machines the tests
# run on, so the official Node.js image — the Containerfile's default — cannot be pulled here.
# Prints the image's name. Cache: $MODELPORT_IMAGE_CACHE (default /var/cache/modelport-images) and buildah's storage.
set -euo pipefail
cache="${MODELPORT_IMAGE_CACHE:-/var/cache/modelport-images}"
node_version="$(node --version)"
image="localhost/modelport-test-base:bookworm-node${node_version#v}"
buildah_() { buildah --storage-driver vfs "$@"; }

if buildah_ inspect --type image "$image" >/dev/null 2>&1; then
  echo "$image"
  exit 0
fi
mkdir -p "$cache"
if [ ! -d "$cache/rootfs" ]; then
  rm -rf "$cache/rootfs.tmp"
  debootstrap --variant=minbase bookworm "$cache/rootfs.tmp" >"$cache/debootstrap.log" 2>&1 ||
    { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
  mv "$cache/rootfs.tmp" "$cache/rootfs"
fi
# Node.js links only libc, libstdc++ and libgcc, all in the minimal rootfs; npm is plain JavaScript.
root="$cache/rootfs"
install -D -m 0755 "$(command -v node)" "$root/usr/local/bin/node"
npm_root="$(npm root -g)/npm"
rm -rf "$root/usr/local/lib/node_modules/npm"
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$npm_root" "$root/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
# The machine's certificate authorities: its registries may be reached through a TLS-inspecting proxy, which npm in
# the build stage must then trust as the host's npm does.
ca_bundle="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"
install -D -m 0644 "$ca_bundle" "$root/etc/ssl/certs/ca-certificates.crt"
# There is no `buildah import`: the rootfs becomes an image by a FROM scratch build.
printf 'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin\nENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt\nCMD ["node"]\n' \
  >"$cache/Containerfile.base"
buildah_ bud --isolation chroot --quiet -t "$image" -f "$cache/Containerfile.base" "$cache" >/dev/null
echo "$image"
