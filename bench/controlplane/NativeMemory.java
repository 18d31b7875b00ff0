import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * With CP_NMT=1 the operator and the data plane run with native memory tracking, and the report
 * says where each one's committed memory is (jcmd VM.native_memory summary): what RSS is made of.
 */
final class NativeMemory {

    static final boolean ON = "1".equals(System.getenv("CP_NMT"));
    private static final Pattern CATEGORY = Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB");
    private static final Pattern TOTAL = Pattern.compile("^Total: reserved=\\d+KB, committed=(\\d+)KB");

    private NativeMemory() {
    }

    static List<String> flags() {
        return ON ? List.of("-XX:NativeMemoryTracking=summary") : List.of();
    }

    /** "total N MiB committed: Java Heap N, Class N, ..." (categories of 5 MiB or more), or null when off. */
    static String summary(long pid) {
        if (!ON) {
            return null;
        }
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(pid), "VM.native_memory", "summary").redirectErrorStream(true).start();
            String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor();
            List<String> parts = new ArrayList<>();
            String total = "?";
            for (String line : output.lines().map(String::trim).toList()) {
                Matcher category = CATEGORY.matcher(line);
                Matcher all = TOTAL.matcher(line);
                if (all.find()) {
                    total = String.valueOf(Long.parseLong(all.group(1)) / 1024);
                } else if (category.find() && Long.parseLong(category.group(2)) >= 5 * 1024) {
                    parts.add(category.group(1) + " " + Long.parseLong(category.group(2)) / 1024);
                }
            }
            return "total " + total + " MiB committed: " + String.join(", ", parts) + " (MiB)";
        } catch (Exception e) {
            return "jcmd failed: " + e;
        }
    }
}
