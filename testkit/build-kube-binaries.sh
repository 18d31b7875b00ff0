#!/usr/bin/env bash
# Builds a real Kubernetes control plane for the tests from Go modules: etcd, kube-apiserver,
# kubectl and kube-controller-manager, and for a whole node kube-scheduler, kubelet, kube-proxy and
# CoreDNS, into the folder kube-api-test reads,
#   ${PORTCULLIS_KUBE_DIR:-~/.cache/portcullis/kube}/k8s/<version>-linux-amd64/
# On a machine with internet access this is optional: kube-api-test downloads etcd,
# kube-apiserver and kubectl itself (kube-controller-manager only comes from here).
# Idempotent: a binary that exists is kept. Cold on 2 cores: about 10 minutes and 4 GB of Go
# caches; warm: a second.
set -euo pipefail
K8S=${PORTCULLIS_KUBE_VERSION:-1.37.2}
ETCD=${PORTCULLIS_ETCD_VERSION:-3.7.3}
COREDNS=${PORTCULLIS_COREDNS_VERSION:-1.15.0}
KUBE_DIR=${PORTCULLIS_KUBE_DIR:-$HOME/.cache/portcullis/kube}
BIN="$KUBE_DIR/k8s/$K8S-linux-amd64"
SRC="$KUBE_DIR/src/$K8S"
export PATH=/usr/local/go/bin:$PATH

if ! command -v go >/dev/null 2>&1; then
  echo "build-kube-binaries: no Go toolchain (looked on PATH and in /usr/local/go/bin)" >&2
  exit 1
fi
mkdir -p "$BIN" "$SRC/etcd" "$SRC/kube"

fail() { # log file
  echo "build-kube-binaries: failed; last lines of $1:" >&2
  tail -n 20 "$1" >&2
  exit 1
}

# One binary: build into a temporary name, then rename, so a half-built file is never used.
build() { # name, folder, package, linker flags
  local name=$1 dir=$2 package=$3 ldflags=${4:-}
  [ -x "$BIN/$name" ] && return 0
  echo "build-kube-binaries: building $name (log: $SRC/$name.log)"
  (cd "$dir" && go build -ldflags "$ldflags" -o "$BIN/.$name.tmp" "$package") >"$SRC/$name.log" 2>&1 \
    || fail "$SRC/$name.log"
  mv "$BIN/.$name.tmp" "$BIN/$name"
}

if [ ! -x "$BIN/etcd" ]; then
  (cd "$SRC/etcd" && { [ -f go.mod ] || go mod init portcullis.test/etcd; } \
    && go get "go.etcd.io/etcd/server/v3@v$ETCD") >"$SRC/etcd-get.log" 2>&1 || fail "$SRC/etcd-get.log"
  build etcd "$SRC/etcd" go.etcd.io/etcd/server/v3
fi

# k8s.io/kubernetes names its staging modules at v0.0.0 with ./staging replacements: point each at
# its published version instead.
if [ ! -f "$SRC/kube/go.mod" ]; then
  (cd "$SRC/kube" && go mod init portcullis.test/kube) >/dev/null 2>&1
  gomod=$(cd "$SRC/kube" && go mod download -json "k8s.io/kubernetes@v$K8S" \
    | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  for module in $(grep -oE '^\s*k8s\.io/[a-z0-9-]+ => \./staging/' "$gomod" | awk '{print $1}' | sort -u); do
    (cd "$SRC/kube" && go mod edit -replace "$module=$module@v0.${K8S#1.}")
  done
fi
# Without the version stamp the server reports v0.0.0-master and every kubeVersion check fails.
V=k8s.io/component-base/version
LDFLAGS="-s -w -X $V.gitVersion=v$K8S -X $V.gitMajor=${K8S%%.*} -X $V.gitMinor=$(echo "$K8S" | cut -d. -f2) -X $V.gitTreeState=clean"
for cmd in kube-apiserver kubectl kube-controller-manager kube-scheduler kubelet kube-proxy; do
  if [ ! -x "$BIN/$cmd" ]; then
    (cd "$SRC/kube" && go get "k8s.io/kubernetes/cmd/$cmd@v$K8S") >"$SRC/$cmd-get.log" 2>&1 || fail "$SRC/$cmd-get.log"
    build "$cmd" "$SRC/kube" "k8s.io/kubernetes/cmd/$cmd" "$LDFLAGS"
  fi
done
if [ ! -x "$BIN/coredns" ]; then
  mkdir -p "$SRC/coredns"
  (cd "$SRC/coredns" && { [ -f go.mod ] || go mod init portcullis.test/coredns; } \
    && go get "github.com/coredns/coredns@v$COREDNS") >"$SRC/coredns-get.log" 2>&1 || fail "$SRC/coredns-get.log"
  build coredns "$SRC/coredns" github.com/coredns/coredns "-s -w"
fi
echo "build-kube-binaries: $BIN has $(ls "$BIN" | tr '\n' ' ')"
