#!/usr/bin/env bash
# The root filesystem both images start from: a jlinked Java runtime, the shared libraries it and
# Netty's native transport need, a non-root user and a writable /tmp. Nothing else: no shell, no
# package manager. Jib adds it as the images' first layer (see the `images` profile in pom.xml).
#
#   images/build-runtime.sh OUTPUT_DIR
#
# The runtime is linked from the JDK that runs the build (JAVA_HOME) and the libraries of the build
# machine, so an image is built on a machine of its architecture. Rebuilt only when the module list,
# this script or the JDK changes.
set -euo pipefail

out=${1:?usage: build-runtime.sh OUTPUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
feature=$("$java_home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [[ "${feature:-0}" -lt 25 ]]; then
  echo "build-runtime.sh: the images need a Java 25 runtime; JAVA_HOME=$java_home is Java ${feature:-unknown}" >&2
  exit 1
fi
modules=$(grep -v '^#' "$here/runtime-modules.txt" | tr -s ' \n' ',' | sed 's/^,//; s/,$//')
stamp="$(sha256sum "$0" "$here/runtime-modules.txt" | sha256sum | cut -c1-16) $("$java_home/bin/java" -version 2>&1 | head -1)"

if [[ -f "$out/.stamp" && "$(cat "$out/.stamp")" == "$stamp" ]]; then
  exit 0
fi
rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/tmp" "$out/home/nonroot"

# Default CDS archive included (--generate-cds-archive): the JVM starts about a third faster.
"$java_home/bin/jlink" --add-modules "$modules" --output "$out/opt/java" \
  --strip-debug --no-man-pages --no-header-files --compress=zip-6 --generate-cds-archive
# Native symbols only a debugger reads: 4 MB of libjvm.so.
if command -v strip >/dev/null; then
  find "$out/opt/java" -name '*.so' -exec strip --strip-unneeded {} +
fi
# The archive for heaps over 32 GB, which these pods never have.
rm -f "$out/opt/java/lib/server/classes_nocoops.jsa"

# The shared libraries the runtime links against, at the paths the dynamic loader looks for them.
# AWT's libraries (java.desktop comes in for java.beans) run headless here and are not followed.
libraries() {
  find "$out/opt/java" -name '*.so' -not -regex '.*/lib\(awt\|awt_xawt\|jawt\|splashscreen\|fontmanager\|freetype\|lcms\|mlib_image\|jsound\|javajpeg\).so'
  echo "$out/opt/java/bin/java"
}
needed=$(libraries | xargs ldd 2>/dev/null | awk '/not found/ {print "MISSING " $1} /=>/ && $3 ~ /^\// {print $3} /^\t\/.*ld-linux/ {print $1}' | sort -u)
# Some of the runtime's own libraries find libjvm.so only once the JVM has loaded it.
needed=$(grep -v '^MISSING libjvm.so$' <<<"$needed")
if grep -q '^MISSING' <<<"$needed"; then
  echo "build-runtime.sh: libraries not found on this machine:" >&2
  grep '^MISSING' <<<"$needed" >&2
  exit 1
fi
# Netty's epoll and BoringSSL natives need libc, libdl, librt and libpthread (ldd of
# META-INF/native/*.so); glibc loads libgcc_s when a thread unwinds. Take them whatever ldd said.
libc_dir=$(dirname "$(grep '/libc\.so\.6$' <<<"$needed")")
extra=$(for lib in libc.so.6 libdl.so.2 librt.so.1 libpthread.so.0 libm.so.6 libgcc_s.so.1; do echo "$libc_dir/$lib"; done)
for library in $(printf '%s\n%s\n' "$needed" "$extra" | grep -v "^$out" | sort -u); do
  mkdir -p "$out$(dirname "$library")"
  cp -L "$library" "$out$library"
done

cat >"$out/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$out/etc/group" <<'EOF'
root:x:0:
nonroot:x:65532:
EOF
echo 'hosts: files dns' >"$out/etc/nsswitch.conf"

# The same bytes from the same inputs: no timestamps from this build in the files Jib copies.
find "$out" -exec touch -h -d @1 {} +
echo "$stamp" >"$out/.stamp"
echo "build-runtime.sh: $(du -sh "$out" | cut -f1) in $out ($modules)"
