#!/usr/bin/env bash
# The data plane image's ahead-of-time cache (JEP 483/514/515): AotTraining, a bounded run of real
# clients through a data plane on 127.0.0.1, under -XX:AOTCacheOutput, with the image's own runtime,
# JVM flags and class path, so that the image's JVM starts with the classes loaded and linked and
# the method profiles of a warm pod. Run by the images profile (dataplane/pom.xml) before Jib.
#
#   images/build-aot-cache.sh RUNTIME_DIR OUTPUT_DIR APP_JAR CLASSPATH JVM_FLAG...
#
# The JVM takes a cache only from the same JVM build and the same class path, in the same order.
# The class path is laid out here as Jib lays out the image (/app/classpath/APP_JAR, then the
# dependencies in /app/libs in Maven's order, times at 1 s as Jib sets them) under OUTPUT_DIR/stage:
# the JVM matches a class path moved as a whole to another directory. OUTPUT_DIR/image/dataplane.aot
# is what the image gets; OUTPUT_DIR/classpath is the class path it was made for, as in the image.
set -euo pipefail

runtime=${1:?usage: build-aot-cache.sh RUNTIME_DIR OUTPUT_DIR APP_JAR CLASSPATH JVM_FLAG...}
out=${2:?}
app_jar=${3:?}
classpath=${4:?}
shift 4
java="$runtime/opt/java/bin/java"

rm -rf "$out"
mkdir -p "$out/stage/app/classpath" "$out/stage/app/libs" "$out/image"
cp "$app_jar" "$out/stage/app/classpath/"
entries=("/app/classpath/$(basename "$app_jar")")
IFS=: read -r -a elements <<<"$classpath"
for element in "${elements[@]}"; do
  case $element in
    *.jar) cp "$element" "$out/stage/app/libs/"; entries+=("/app/libs/$(basename "$element")");;
    *) ;; # the module's classes directory: the image has them as APP_JAR
  esac
done
find "$out/stage" -exec touch -h -d @1 {} +
image_classpath=$(IFS=:; echo "${entries[*]}")
echo "$image_classpath" >"$out/classpath"

# Only 127.0.0.1 and ephemeral ports; bounded by its request counts. The JVM forks a second JVM to
# write the cache when the first exits, passing it options in JAVA_TOOL_OPTIONS: start from none.
started=$(date +%s)
if ! env -u JAVA_TOOL_OPTIONS "$java" "$@" -XX:AOTCacheOutput="$out/image/dataplane.aot" \
    -cp "${image_classpath//\/app\//$out/stage/app/}" dev.portcullis.dataplane.aot.AotTraining >"$out/training.log" 2>&1; then
  echo "build-aot-cache.sh: the training run failed; the end of $out/training.log:" >&2
  grep -v '"kind"' "$out/training.log" | tail -30 >&2
  exit 1
fi
if [[ ! -s "$out/image/dataplane.aot" ]]; then
  echo "build-aot-cache.sh: no cache was written; see $out/training.log" >&2
  exit 1
fi
touch -d @1 "$out/image/dataplane.aot"
echo "build-aot-cache.sh: $(du -h "$out/image/dataplane.aot" | cut -f1) AOT cache in $(($(date +%s) - started)) s ($(grep -o 'AOT training done in [0-9]* ms' "$out/training.log"))"
