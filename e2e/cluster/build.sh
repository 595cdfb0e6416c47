#!/usr/bin/env bash
# Builds the dev cluster binaries from the wrapper modules in e2e/cluster/modules/ into
#   ${STOREFLEET_CACHE:-$HOME/.cache/storefleet}/bin/<binary>-<version>
# and skips every binary that is already there. Prints component and duration.
# Builds run under `nice -n 19` with few parallel compile jobs, so they yield the CPU to
# everything else on a shared machine. Usage: build.sh [component ...]  (default: the dev cluster's)
#   components: etcd kubernetes kwok sealed-secrets argocd seaweedfs restic
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
cache="${STOREFLEET_CACHE:-$HOME/.cache/storefleet}"
bin="$cache/bin"
mkdir -p "$bin"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=readonly -p=${STOREFLEET_BUILD_JOBS:-2}"
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

now() { date +%s; }
fmt() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# go_build <module dir> <package> <output name> <version> [ldflags...]
go_build() {
  local mod="$1" pkg="$2" name="$3" version="$4"; shift 4
  local out="$bin/$name-$version"
  if [ -x "$out" ]; then echo "  $name $version: already built"; return 0; fi
  local t0; t0=$(now)
  echo "  $name $version: building $pkg ..."
  (cd "$here/modules/$mod" && nice -n 19 go build -trimpath -ldflags "-s -w $*" -o "$out.tmp" "$pkg")
  mv "$out.tmp" "$out"
  echo "  $name $version: built in $(fmt $(($(now) - t0)))"
}

k8s_ldflags() {
  local v="$KUBERNETES_VERSION" minor; minor="${v#v1.}"; minor="${minor%%.*}"
  local p f=""
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    f+=" -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=$build_date"
  done
  echo "$f"
}

build_etcd() {
  go_build etcd go.etcd.io/etcd/server/v3 etcd "$ETCD_VERSION"
}
build_kubernetes() {
  local c
  for c in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    go_build kubernetes "k8s.io/kubernetes/cmd/$c" "$c" "$KUBERNETES_VERSION" "$(k8s_ldflags)"
  done
}
build_kwok() {
  local c
  for c in kwok kwokctl; do
    go_build kwok "sigs.k8s.io/kwok/cmd/$c" "$c" "$KWOK_VERSION" # kwok's version is a constant in its source
  done
}
build_sealed_secrets() {
  go_build sealed-secrets github.com/bitnami/sealed-secrets/cmd/controller sealed-secrets-controller "$SEALED_SECRETS_VERSION" \
    "-X main.VERSION=$SEALED_SECRETS_VERSION"
}
build_argocd() {
  local p=github.com/argoproj/argo-cd/v3/common src patched
  # The application controller hard-codes its metrics listener to 0.0.0.0:<metrics-port>
  # (controller/appcontroller.go; there is no address flag). The dev cluster binds 127.0.0.1
  # only, so argocd is built from a copy of the module (in the cache, outside the repository)
  # with that one address changed, selected through a throw-away go.work replace. Go refuses
  # `-overlay` for files inside GOMODCACHE, hence the copy.
  # On a new machine the module is not in GOMODCACHE yet: `go list` would print an empty Dir.
  (cd "$here/modules/argocd" && go mod download github.com/argoproj/argo-cd/v3)
  src="$(cd "$here/modules/argocd" && go list -m -f '{{.Dir}}' github.com/argoproj/argo-cd/v3)"
  if [ -z "$src" ] || [ ! -d "$src" ]; then echo "argocd: module source not found in the module cache" >&2; return 1; fi
  patched="$cache/src/argo-cd-$ARGOCD_VERSION-loopback-metrics"
  if [ ! -f "$patched/.storefleet-patched" ]; then
    rm -rf "$patched"; mkdir -p "$(dirname "$patched")"
    cp -r "$src" "$patched"; chmod -R u+w "$patched"; rm -rf "$patched/docs"
    sed -i 's/fmt.Sprintf("0.0.0.0:%d", metricsPort)/fmt.Sprintf("127.0.0.1:%d", metricsPort)/' "$patched/controller/appcontroller.go"
    if ! grep -q 'fmt.Sprintf("127.0.0.1:%d", metricsPort)' "$patched/controller/appcontroller.go"; then
      echo "argocd: metrics listener line not found in controller/appcontroller.go; update build.sh" >&2; return 1
    fi
    touch "$patched/.storefleet-patched"
  fi
  printf 'go 1.26.0\n\nuse %s\n\nreplace github.com/argoproj/argo-cd/v3 %s => %s\n' "$here/modules/argocd" "$ARGOCD_VERSION" "$patched" >"$cache/src/argocd.go.work"
  GOWORK="$cache/src/argocd.go.work" go_build argocd github.com/argoproj/argo-cd/v3/cmd argocd "$ARGOCD_VERSION" \
    "-X $p.version=${ARGOCD_VERSION#v} -X $p.buildDate=$build_date -X $p.gitTreeState=clean"
}

build_seaweedfs() {
  # The local S3-compatible backup target (e2e/backup-target/). Upstream builds it the same way:
  # CGO off, no extra build tags.
  go_build seaweedfs github.com/seaweedfs/seaweedfs/weed weed "$SEAWEEDFS_VERSION" \
    "-X github.com/seaweedfs/seaweedfs/weed/util/version.COMMIT=${SEAWEEDFS_VERSION##*-}"
}

build_restic() {
  # The same version as the backup CronJobs' image, for the native backup round trip.
  go_build restic github.com/restic/restic/cmd/restic restic "$RESTIC_VERSION"
}

components=("$@")
# seaweedfs is the dev cluster's backup target too; restic serves the backup tier (npm run
# test:backups) only: built when asked for by name.
[ ${#components[@]} -gt 0 ] || components=(etcd kubernetes kwok sealed-secrets argocd seaweedfs)
total0=$(now)
for c in "${components[@]}"; do
  t0=$(now)
  echo "== $c"
  "build_${c//-/_}"
  echo "== $c done in $(fmt $(($(now) - t0)))"
done
echo "== all requested components ready in $(fmt $(($(now) - total0))) (cache: $bin)"
