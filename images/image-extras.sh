#!/usr/bin/env bash
# What an image adds to Jib's own layers (the images profile in ../pom.xml runs this at package):
#
#   images/image-extras.sh OUT CLASSPATH_FILE MODULE_JAR RUNTIME [TRAINING_MAIN]
#
# 1. OUT/app/libs/<jar>: an unsigned copy (images/UnsignedJar.java) of each signed dependency, in a
#    layer above Jib's dependency layer, so that it hides the signed jar at the same path (Jib cannot
#    leave one dependency out, and its layer filter would remove the copy too). A JVM checks a signed
#    jar's digests class by class as it loads them, and an AOT cache leaves out every class of a signed
#    jar: BouncyCastle's signature cost the data plane about a second of its start on one CPU.
# 2. With TRAINING_MAIN, OUT/app/portcullis.aot: the JVM's ahead-of-time cache (JEP 483/514), made by
#    running TRAINING_MAIN under the image's runtime (RUNTIME/opt/java), with the image's JVM flags,
#    on a copy of the image's /app laid out as Jib lays it out (MODULE_JAR in /app/classpath, the
#    dependencies of CLASSPATH_FILE in /app/libs, in that order, with Jib's file times), so that the
#    JVM in the container finds the class path it was made for (Java accepts the whole directory
#    moved). No method profiles are recorded: on Java 25 a JIT fed the training's profiles reached its
#    steady rate seconds later than one without (bench row 11).
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 OUT CLASSPATH_FILE MODULE_JAR RUNTIME [TRAINING_MAIN]" >&2; exit 2; }
out=$1; classpath_file=$2; module_jar=$3; runtime=$4; training_main=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
java="$runtime/opt/java/bin/java"                  # the image's: it has no compiler
build_java="${JAVA_HOME:?the JDK running the build}/bin/java"
# Jib's <filesModificationTime>EPOCH_PLUS_SECOND</filesModificationTime>: the cache records each jar's time.
jib_time=@1

rm -rf "$out"
mkdir -p "$out/app/libs"
IFS=: read -r -a dependencies <<< "$(cat "$classpath_file")"
signed=$("$build_java" "$here/UnsignedJar.java" "$out/app/libs" "${dependencies[@]}")
echo "$0: unsigned copies of $(echo "$signed" | tr "\n" " ")"

[ -n "$training_main" ] || exit 0
training=$(dirname "$out")/aot-training
rm -rf "$training"
mkdir -p "$training/app/classpath" "$training/app/libs"
cp "$module_jar" "$training/app/classpath/"
classpath="$training/app/classpath/$(basename "$module_jar")"
for jar in "${dependencies[@]}"; do
  name=$(basename "$jar")
  if [ -f "$out/app/libs/$name" ]; then cp "$out/app/libs/$name" "$training/app/libs/"; else cp "$jar" "$training/app/libs/"; fi
  classpath+=":$training/app/libs/$name"
done
find "$training/app" -type f -exec touch -d "$jib_time" {} +
# The image's command line (jvmFlags in ../pom.xml), then the training. A heap of a pod's size, not
# this machine's: a JVM refuses a cache made with other compressed-oops settings than its own, and
# above 32 GiB of heap there are none. No JAVA_TOOL_OPTIONS from the build's environment.
# Bounded: a stuck training fails the build in minutes, not at the CI job's timeout.
timeout 600 env -u JAVA_TOOL_OPTIONS "$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -XX:+ExitOnOutOfMemoryError -Xmx1g \
  -XX:AOTCacheOutput="$out/app/portcullis.aot" -XX:AOTConfiguration="$training/portcullis.aotconf" \
  -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining \
  -cp "$classpath" "$training_main" 0.3 > "$training/training.log" 2>&1 \
  || { echo "$0: the AOT training failed:" >&2; grep -v '"kind"' "$training/training.log" | tail -30 >&2; exit 1; }
# The cache is assembled by a second JVM whose failure leaves the first one's exit status 0.
grep -q "AOTCache creation is complete" "$training/training.log" \
  || { echo "$0: no AOT cache made:" >&2; grep -v '"kind"' "$training/training.log" | tail -30 >&2; exit 1; }
# And this runtime takes it (-XX:AOTMode=on: a JVM that cannot fails); the container test checks it in the image.
env -u JAVA_TOOL_OPTIONS "$java" -XX:AOTMode=on -XX:AOTCache="$out/app/portcullis.aot" -Xmx1g \
  --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+ExitOnOutOfMemoryError \
  -cp "$classpath" -version > "$training/check.log" 2>&1 \
  || { echo "$0: the AOT cache does not load:" >&2; tail -20 "$training/check.log" >&2; exit 1; }
echo "$0: $(du -m "$out/app/portcullis.aot" | cut -f1) MB AOT cache for $(basename "$module_jar") and ${#dependencies[@]} jars"
