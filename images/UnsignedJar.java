import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * {@code java images/UnsignedJar.java OUT_DIR JAR...}: for each signed JAR, writes OUT_DIR/its name,
 * and prints that name. The copy is the jar without its signature files
 * (META-INF/*.SF, *.RSA, *.DSA, *.EC, SIG-*) and its manifest's per-entry digests, entry by entry
 * in the same order with the same times, each deflated again: the same IN on the same JDK (whose
 * zlib does the deflating) always gives the same bytes.
 *
 * Why (images/image-extras.sh): a JVM verifies a signed jar's digests as it loads each class, which
 * cost the data plane's start about a second on one CPU with BouncyCastle, and an AOT cache leaves
 * out every class of a signed jar.
 */
public final class UnsignedJar {

    private static final Pattern SIGNATURE = Pattern.compile("META-INF/([^/]+\\.(SF|RSA|DSA|EC)|SIG-[^/]+)",
            Pattern.CASE_INSENSITIVE);

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: java UnsignedJar.java OUT_DIR JAR...");
            System.exit(2);
        }
        Path outDir = Path.of(args[0]);
        for (int i = 1; i < args.length; i++) {
            Path jar = Path.of(args[i]);
            if (signed(jar)) {
                Files.createDirectories(outDir);
                copyUnsigned(jar, outDir.resolve(jar.getFileName()));
                System.out.println(jar.getFileName());
            }
        }
    }

    private static boolean signed(Path jar) throws IOException {
        try (ZipFile in = new ZipFile(jar.toFile())) {
            return in.stream().anyMatch(entry -> SIGNATURE.matcher(entry.getName()).matches());
        }
    }

    private static void copyUnsigned(Path jar, Path out) throws IOException {
        try (ZipFile in = new ZipFile(jar.toFile());
             OutputStream file = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16);
             ZipOutputStream zip = new ZipOutputStream(file)) {
            Enumeration<? extends ZipEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (SIGNATURE.matcher(entry.getName()).matches()) {
                    continue;
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTimeLocal(entry.getTimeLocal()); // not through this machine's time zone
                zip.putNextEntry(copy);
                try (InputStream data = in.getInputStream(entry)) {
                    if (entry.getName().equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                        zip.write(mainSection(data.readAllBytes()));
                    } else {
                        data.transferTo(zip);
                    }
                }
                zip.closeEntry();
            }
        }
    }

    /** The manifest's main attributes only: the per-entry digests (800 KB in bcprov) served only the signature. */
    private static byte[] mainSection(byte[] manifest) {
        String text = new String(manifest, StandardCharsets.UTF_8);
        Matcher end = Pattern.compile("\\r?\\n\\r?\\n").matcher(text);
        return (end.find() ? text.substring(0, end.end()) : text).getBytes(StandardCharsets.UTF_8);
    }
}
