package dev.portcullis.operator.standalone;

import dev.portcullis.dataplane.server.DataPlaneServer;

import java.nio.file.Path;
import java.util.List;

/** The demo's hosts and the commands it prints to try them. */
final class DemoLines {

    static final String APP_HOST = "app.example.test";
    static final String API_HOST = "api.example.test";

    private DemoLines() {
    }

    /** Commands to paste against the demo hosts served by {@code server}, trusting the CA in {@code caFile}. */
    static List<String> tryLines(DataPlaneServer server, Path caFile) {
        String ca = caFile.toAbsolutePath().toString();
        int https = server.httpsAddress().getPort();
        int http = server.httpAddress().getPort();
        String ip = server.httpsAddress().getAddress().getHostAddress();
        String app = "curl --cacert " + ca + " --resolve " + APP_HOST + ":" + https + ":" + ip + " https://" + APP_HOST + ":" + https;
        String api = "curl --cacert " + ca + " --resolve " + API_HOST + ":" + https + ":" + ip + " https://" + API_HOST + ":" + https;
        return List.of(
                app + "/",
                app + "/",
                app + "/",
                api + "/v1/users",
                api + "/healthz",
                api + "/not-routed",
                "curl -H 'Host: " + APP_HOST + "' http://" + ip + ":" + http + "/plain",
                "openssl s_client -connect " + ip + ":" + https + " -servername " + API_HOST + " -CAfile " + ca
                        + " -brief </dev/null",
                "curl http://" + server.adminAddress().getAddress().getHostAddress() + ":"
                        + server.adminAddress().getPort() + "/metrics");
    }
}
