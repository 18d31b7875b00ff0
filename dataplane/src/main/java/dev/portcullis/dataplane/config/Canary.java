package dev.portcullis.dataplane.config;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.ArrayList;
import java.util.List;

/**
 * ingress-nginx's canary for one route: some of its requests go to {@code cluster} instead of the
 * route's own. The rules are tried in ingress-nginx's order, the first that decides wins:
 * <ol>
 * <li>{@code header}: with {@code headerValue}, that exact value sends to the canary; else with
 * {@code headerPattern}, a value the RE2 expression finds a match in does; else the value
 * {@code always} does and {@code never} keeps the request on the route's cluster. Any other value,
 * or no such field, decides nothing.</li>
 * <li>{@code cookie}: the value {@code always} sends to the canary, {@code never} keeps the request
 * on the route's cluster.</li>
 * <li>{@code weight} of {@code weightTotal} requests, drawn at random, go to the canary.</li>
 * </ol>
 *
 * @param header        a request field name, or {@code null}
 * @param headerValue   with {@code header}: the value that sends to the canary, or {@code null}
 * @param headerPattern with {@code header} and without {@code headerValue}: an RE2 expression, or {@code null}
 * @param cookie        a cookie name, or {@code null}
 * @param weight        how many of {@code weightTotal} requests go to the canary (0 to {@code weightTotal})
 * @param weightTotal   the whole the weight is counted against (0 in JSON means 100)
 */
public record Canary(String cluster, String header, String headerValue, String headerPattern, String cookie, int weight,
                     int weightTotal) {

    public static final int DEFAULT_WEIGHT_TOTAL = 100;
    /** ingress-nginx reads the weights as integers; past a million a draw is finer than anyone can tell. */
    public static final int MAX_WEIGHT_TOTAL = 1_000_000;

    public Canary {
        weightTotal = weightTotal == 0 ? DEFAULT_WEIGHT_TOTAL : weightTotal;
    }

    /** What is wrong with it, beyond the cluster's existence (which the snapshot's validator checks). */
    @JsonIgnore
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (header != null && !HeaderEdits.isToken(header)) {
            problems.add("header \"" + header + "\" is not a field name");
        }
        if ((headerValue != null || headerPattern != null) && header == null) {
            problems.add("headerValue and headerPattern need a header");
        }
        if (headerValue != null && (headerValue.isEmpty() || !HeaderEdits.validValue(headerValue))) {
            problems.add("headerValue cannot be a field value");
        }
        if (headerValue != null && headerPattern != null) {
            problems.add("headerValue and headerPattern exclude each other");
        }
        if (headerPattern != null) {
            String why = PathPatterns.problem(headerPattern);
            if (why != null) {
                problems.add("headerPattern: " + why);
            }
        }
        if (cookie != null && !HeaderEdits.isToken(cookie)) {
            problems.add("cookie \"" + cookie + "\" is not a cookie name");
        }
        if (weightTotal < 1 || weightTotal > MAX_WEIGHT_TOTAL) {
            problems.add("weightTotal " + weightTotal + " is not between 1 and " + MAX_WEIGHT_TOTAL);
        } else if (weight < 0 || weight > weightTotal) {
            problems.add("weight " + weight + " is not between 0 and weightTotal (" + weightTotal + ")");
        }
        return problems;
    }
}
