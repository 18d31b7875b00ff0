package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;

/**
 * ingress-nginx's {@code default-backend} and {@code custom-http-errors} for one route: the
 * cluster that takes the route's requests while its own has no ready endpoint, and that makes the
 * page of every response (the pod's or the proxy's) whose status is in {@code codes}. The page is
 * asked for with {@code GET /} and ingress-nginx's headers ({@code X-Code}, {@code X-Format},
 * {@code X-Original-URI}, {@code X-Namespace}, {@code X-Ingress-Name}, {@code X-Service-Name},
 * {@code X-Service-Port}, {@code X-Request-ID}); the client gets it with the original status.
 *
 * @param namespace   the Ingress's namespace, sent as {@code X-Namespace}
 * @param ingress     the Ingress's name, sent as {@code X-Ingress-Name}
 * @param service     the route's own Service, sent as {@code X-Service-Name}
 * @param servicePort the route's own Service port, sent as {@code X-Service-Port}
 */
public record ErrorBackend(String cluster, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Integer> codes, String namespace, String ingress, String service,
                           String servicePort) {

    public ErrorBackend {
        codes = Lists.copyOrEmpty(codes);
    }

    /** What is wrong with it, beyond the cluster's existence (which the snapshot's validator checks). */
    @JsonIgnore
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (int code : codes) {
            if (code < 400 || code > 599) {
                problems.add("error code " + code + " is not between 400 and 599");
            }
        }
        for (String value : new String[] {namespace, ingress, service, servicePort}) {
            if (value != null && !HeaderEdits.validValue(value)) {
                problems.add("\"" + value + "\" cannot be sent in a header");
            }
        }
        return problems;
    }
}
