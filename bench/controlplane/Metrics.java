import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Prometheus text from the data plane's admin port and the operator's metrics port. */
final class Metrics {

    /** Being added by another change; until then absent, and the relay's count is the figure. */
    static final String RECEIVED_BYTES = "portcullis_control_plane_received_bytes_total";

    private Metrics() {
    }

    /** The data plane's count of bytes received from the control plane, or null when it has no such metric. */
    static Double dataPlaneReceivedBytes(int adminPort) {
        String text = scrape(adminPort);
        double sum = 0;
        boolean found = false;
        for (String line : text.lines().toList()) {
            if (line.startsWith(RECEIVED_BYTES + " ") || line.startsWith(RECEIVED_BYTES + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? sum : null;
    }

    /** True once the data plane's /readyz answers 200 (a snapshot is applied). */
    static boolean ready(int adminPort) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/readyz")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The operator's translations and publications so far: count and mean seconds, from its /metrics. */
    static String operatorTranslation(int metricsPort) {
        String text = scrape(metricsPort);
        StringBuilder out = new StringBuilder();
        for (String timer : new String[]{"portcullis_operator_translation_seconds", "portcullis_operator_publish_seconds"}) {
            double count = value(text, timer + "_count");
            double sum = value(text, timer + "_sum");
            if (count > 0) {
                out.append(String.format("%s: %.0f, mean %.0f ms; ", timer, count, sum * 1000 / count));
            }
        }
        for (String scope : new String[]{"full", "partial"}) {
            String series = "portcullis_operator_translations_total{scope=\"" + scope + "\"}";
            text.lines().filter(line -> line.startsWith(series + " ")).findFirst()
                    .ifPresent(line -> out.append(scope).append(" translations ").append(line.substring(series.length() + 1)).append("; "));
        }
        return out.isEmpty() ? "no translation timers found in /metrics" : out.toString().trim();
    }

    private static double value(String text, String name) {
        return text.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static String scrape(int port) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
