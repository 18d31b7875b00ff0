package dev.portcullis.dataplane.balance;

import java.net.InetAddress;

/** What a balancer may key on for one request. */
public interface BalanceRequest {

    InetAddress client();

    /** The request header's first value, or {@code null}. */
    String header(String name);

    /** The value of the request's cookie {@code name}, or {@code null}. */
    String cookie(String name);

    /** The request target (path and query), or {@code null} when there is no HTTP request. */
    default String uri() {
        return null;
    }

    /** A request known only by its client's address (a passthrough connection). */
    static BalanceRequest of(InetAddress client) {
        return new BalanceRequest() {
            @Override
            public InetAddress client() {
                return client;
            }

            @Override
            public String header(String name) {
                return null;
            }

            @Override
            public String cookie(String name) {
                return null;
            }
        };
    }
}
