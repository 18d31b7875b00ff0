#!/usr/bin/env bash
# Starts the tests' real API server by hand (etcd + kube-apiserver on 127.0.0.1, a /16 Service
# range, kube-controller-manager when built), for benchmarks: the control-plane benchmark measures
# real list and watch costs against it. Prints the KUBECONFIG to export; Ctrl-C stops it.
#   testkit/api-server.sh [KUBECONFIG-PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
"$(dirname "$0")/build-kube-binaries.sh"
./mvnw -q -pl testkit compile dependency:build-classpath -Dmdep.outputFile=target/testkit.classpath
exec java -cp "testkit/target/classes:$(cat testkit/target/testkit.classpath)" dev.portcullis.testkit.RealApiServerMain "$@"
