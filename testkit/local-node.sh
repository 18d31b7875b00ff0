#!/usr/bin/env bash
# A whole single-node Kubernetes cluster in a folder of its own, no Docker engine: etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy and CoreDNS (built
# by build-kube-binaries.sh), Debian's containerd, runc and CNI plugins. Its network is a bridge
# made here (pclbr0, 10.244.0.1/24) that the API server and CoreDNS bind to; Services get
# 10.97.0.0/16. Needs root.
#
#   testkit/local-node.sh start DIR   # prints KUBECONFIG=DIR/admin.kubeconfig once the node is Ready
#   testkit/local-node.sh stop DIR    # everything it started and made, also after a crash
#
# Settings that matter on this kind of host (cgroup v1, a sandbox that may not lower
# oom_score_adj): kubelet failCgroupV1: false; containerd restrict_oom_score_adj; a pause image
# built here (no registry is reachable); the bridge as the pods' default gateway.
set -euo pipefail
action=${1:?usage: local-node.sh start|stop DIR}
N=$(mkdir -p "${2:?usage: local-node.sh start|stop DIR}" && cd "$2" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
K8S=${PORTCULLIS_KUBE_VERSION:-1.37.2}
BIN=${PORTCULLIS_KUBE_BIN:-${PORTCULLIS_KUBE_DIR:-$HOME/.cache/portcullis/kube}/k8s/$K8S-linux-amd64}
export PATH="$BIN:/usr/sbin:/sbin:$PATH"
BRIDGE=pclbr0 GW=10.244.0.1 PODS=10.244.0.0/24 SVC=10.97.0.0/16 DNS=10.97.0.10 API=27443 NODE=portcullis-node
CTR="ctr --address $N/containerd.sock -n k8s.io"

stop_pid() {
  local pid=$1
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
}

stop() { # best effort, every step: what one step cannot remove must not keep the others from running
  set +e +o pipefail
  cd "$N"
  for f in run/*.pid; do
    [ -f "$f" ] && [ "$f" != run/containerd.pid ] && stop_pid "$(cat "$f")" && rm -f "$f"
  done
  if [ -f run/containerd.pid ] && kill -0 "$(cat run/containerd.pid)" 2>/dev/null; then
    for task in $(timeout 20 $CTR tasks ls -q 2>/dev/null); do timeout 10 $CTR tasks kill -s SIGKILL "$task" 2>/dev/null || true; done
    for container in $(timeout 20 $CTR containers ls -q 2>/dev/null); do
      for _ in $(seq 1 20); do timeout 10 $CTR tasks delete "$container" >/dev/null 2>&1 && break
        timeout 10 $CTR tasks ls -q 2>/dev/null | grep -qx "$container" || break; sleep 0.25; done
      timeout 10 $CTR containers delete "$container" >/dev/null 2>&1 || true
    done
    stop_pid "$(cat run/containerd.pid)"
  fi
  rm -f run/containerd.pid
  # Shims that outlived containerd, and whatever still runs under them.
  for shim in $(pgrep -f "containerd-shim-runc-v2 .*-address $N/containerd.sock" || true); do
    pkill -9 -P "$shim" 2>/dev/null || true; kill -9 "$shim" 2>/dev/null || true
  done
  mount | awk -v n="$N/" 'index($3, n) == 1 {print $3}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  # The pods' network namespaces: the cni-* ones that did not exist before this node started.
  for ns in $(ip netns list 2>/dev/null | awk '/^cni-/ {print $1}'); do
    grep -qx "$ns" netns-before 2>/dev/null || ip netns del "$ns" 2>/dev/null || true
  done
  # kube-proxy's and the kubelet's iptables chains. Their names are fixed by Kubernetes, so this
  # assumes no other cluster on the machine (CI machines and laptops running this test).
  kube-proxy --cleanup >/dev/null 2>&1 || true
  for ipt in iptables ip6tables; do
    for table in filter nat mangle; do
      $ipt -t $table -S 2>/dev/null | grep -E '^-A .* -j KUBE-' | sed 's/^-A/-D/' | while read -r rule; do
        eval "$ipt -t $table $rule" 2>/dev/null || true
      done
      for chain in $($ipt -t $table -S 2>/dev/null | awk '/^-N KUBE-/ {print $2}'); do
        $ipt -t $table -F "$chain" 2>/dev/null || true; $ipt -t $table -X "$chain" 2>/dev/null || true
      done
    done
  done
  for veth in $(ip -o link show master $BRIDGE 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
    ip link del "$veth" 2>/dev/null || true
  done
  ip link del $BRIDGE 2>/dev/null || true
  rm -rf cni-state
  ! ip link show $BRIDGE >/dev/null 2>&1
}

if [ "$action" = stop ]; then
  stop
  exit 0
fi
[ "$action" = start ] || { echo "local-node.sh: start or stop, not $action" >&2; exit 2; }

for program in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy coredns kubectl; do
  [ -x "$BIN/$program" ] || { echo "local-node.sh: $BIN/$program missing: run testkit/build-kube-binaries.sh" >&2; exit 3; }
done
for program in containerd containerd-shim-runc-v2 runc ctr iptables ip gcc python3 openssl; do
  command -v $program >/dev/null || { echo "local-node.sh: $program missing (apt-get install containerd runc containernetworking-plugins iptables gcc)" >&2; exit 3; }
done
[ -x /usr/lib/cni/bridge ] || { echo "local-node.sh: /usr/lib/cni/bridge missing (apt-get install containernetworking-plugins)" >&2; exit 3; }
[ "$(id -u)" -eq 0 ] || { echo "local-node.sh: needs root (a bridge, network namespaces, iptables)" >&2; exit 3; }

stop >/dev/null 2>&1 || true # what a crashed run left
cd "$N"
rm -rf etcd kubelet root state certs cni-conf run
mkdir -p run root state cni-conf
ip netns list 2>/dev/null | awk '/^cni-/ {print $1}' >netns-before
started=$(date +%s%N)
background() { # name, command...
  local name=$1; shift
  "$@" >"run/$name.log" 2>&1 &
  echo $! >"run/$name.pid"
}

# The pod sandbox image, built here.
if [ ! -f pause.tar ]; then
  gcc -static -Os -s -o pause "$HERE/src/main/pause/pause.c"
  python3 "$HERE/src/main/pause/pause-image.py" pause localhost/portcullis-pause:1 pause.tar
fi

containerd config default | python3 -c '
import sys
config, n = sys.stdin.read(), sys.argv[1]
for old, new in [("root = \"/var/lib/containerd\"", f"root = \"{n}/root\""),
                 ("state = \"/run/containerd\"", f"state = \"{n}/state\""),
                 ("address = \"/run/containerd/containerd.sock\"", f"address = \"{n}/containerd.sock\""),
                 ("sandbox_image = \"registry.k8s.io/pause:3.6\"", "sandbox_image = \"localhost/portcullis-pause:1\""),
                 ("bin_dir = \"/opt/cni/bin\"", "bin_dir = \"/usr/lib/cni\""),
                 ("conf_dir = \"/etc/cni/net.d\"", f"conf_dir = \"{n}/cni-conf\""),
                 ("restrict_oom_score_adj = false", "restrict_oom_score_adj = true")]:
    if old not in config:
        sys.exit(f"containerd default config changed: {old} not found")
    config = config.replace(old, new, 1)
print(config)' "$N" >containerd.toml
cat >cni-conf/10-bridge.conflist <<EOF
{"cniVersion": "0.4.0", "name": "portcullis-node", "plugins": [
  {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "isDefaultGateway": true, "ipMasq": false,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$PODS", "gateway": "$GW"}]], "dataDir": "$N/cni-state"}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
EOF
ip link add $BRIDGE type bridge
ip addr add $GW/24 dev $BRIDGE
ip link set $BRIDGE up
background containerd containerd --config "$N/containerd.toml"

[ -f sa.key ] || { openssl genrsa -out sa.key 2048 2>/dev/null; openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null; }
admin_token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
node_token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s,admin,1,system:masters\n%s,system:node:%s,2,system:nodes\n' "$admin_token" "$node_token" "$NODE" >tokens.csv
for user in admin:$admin_token node:$node_token; do
  cat >"${user%%:*}.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: local-node, cluster: {server: "https://$GW:$API", insecure-skip-tls-verify: true}}]
users: [{name: ${user%%:*}, user: {token: "${user#*:}"}}]
contexts: [{name: local-node, context: {cluster: local-node, user: ${user%%:*}}}]
current-context: local-node
EOF
done
background etcd etcd --data-dir "$N/etcd" --listen-client-urls http://127.0.0.1:27379 \
  --advertise-client-urls http://127.0.0.1:27379 --listen-peer-urls http://127.0.0.1:27380 --unsafe-no-fsync
background apiserver kube-apiserver --etcd-servers http://127.0.0.1:27379 --bind-address $GW --advertise-address $GW \
  --secure-port $API --cert-dir "$N/certs" --authorization-mode Node,RBAC --token-auth-file "$N/tokens.csv" \
  --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$N/sa.pub" \
  --service-account-signing-key-file "$N/sa.key" --service-cluster-ip-range $SVC --allow-privileged \
  --kubelet-preferred-address-types InternalIP
export KUBECONFIG=$N/admin.kubeconfig
for _ in $(seq 1 240); do kubectl get --raw /readyz >/dev/null 2>&1 && break; sleep 0.25; done
kubectl get --raw /readyz >/dev/null || { echo "local-node.sh: the API server did not start: $N/run/apiserver.log" >&2; exit 1; }

background controller-manager kube-controller-manager --kubeconfig "$N/admin.kubeconfig" --leader-elect=false \
  --bind-address 127.0.0.1 --secure-port 27257 --service-account-private-key-file "$N/sa.key" \
  --root-ca-file "$N/certs/apiserver.crt" --use-service-account-credentials=false \
  --cluster-cidr 10.244.0.0/16 --service-cluster-ip-range $SVC
background scheduler kube-scheduler --kubeconfig "$N/admin.kubeconfig" --leader-elect=false \
  --bind-address 127.0.0.1 --secure-port 27259
cat >kubelet.yaml <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$N/containerd.sock
authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
failSwapOn: false
address: $GW
port: 27250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 27248
cgroupsPerQOS: false
enforceNodeAllocatable: []
evictionHard: {}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
clusterDNS: [$DNS]
clusterDomain: cluster.local
resolvConf: ""
localStorageCapacityIsolation: false
EOF
for _ in $(seq 1 80); do [ -S containerd.sock ] && break; sleep 0.25; done
$CTR images import pause.tar >/dev/null
background kubelet kubelet --config "$N/kubelet.yaml" --kubeconfig "$N/node.kubeconfig" --hostname-override $NODE \
  --root-dir "$N/kubelet" --node-ip $GW
background proxy kube-proxy --kubeconfig "$N/admin.kubeconfig" --hostname-override $NODE --cluster-cidr 10.244.0.0/16 \
  --proxy-mode iptables --nodeport-addresses $PODS --bind-address 127.0.0.1 \
  --metrics-bind-address 127.0.0.1:27249 --healthz-bind-address 127.0.0.1:27256
cat >Corefile <<EOF
.:53 {
    bind $GW
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $N/admin.kubeconfig
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 5
}
EOF
background coredns coredns -conf "$N/Corefile"
kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system}
spec: {clusterIP: $DNS, ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: kube-dns-host, namespace: kube-system, labels: {kubernetes.io/service-name: kube-dns}}
addressType: IPv4
ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}]
endpoints: [{addresses: ["$GW"], conditions: {ready: true}}]
EOF
ready=""
for _ in $(seq 1 240); do
  if kubectl get node $NODE -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -qx True \
      && kubectl get serviceaccount default -n default >/dev/null 2>&1; then
    ready=yes
    break
  fi
  sleep 0.25
done
[ -n "$ready" ] || { echo "local-node.sh: the node did not become Ready: $N/run/kubelet.log" >&2; exit 1; }
echo "local-node.sh: node Ready in $(( ($(date +%s%N) - started) / 1000000 )) ms"
echo "KUBECONFIG=$N/admin.kubeconfig"
