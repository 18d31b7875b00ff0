package dev.portcullis.operator.ocsp;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** POSTs an OCSP request to a responder (RFC 6960 A.1) with the JDK client, with a timeout. */
public class OcspFetcher {

    /** The most a response may weigh: real ones are 1 to 4 KiB (and the snapshot caps staples). */
    static final int MAX_RESPONSE_BYTES = 12 * 1024;

    private final HttpClient client;
    private final Duration timeout;

    public OcspFetcher(Duration timeout) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.timeout = timeout;
    }

    public byte[] fetch(OcspTarget target) throws OcspException {
        byte[] request = OcspResponseVerifier.request(target);
        HttpResponse<byte[]> response;
        try {
            response = client.send(HttpRequest.newBuilder(target.responder())
                    .timeout(timeout)
                    .header("Content-Type", "application/ocsp-request")
                    .header("Accept", "application/ocsp-response")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new OcspException("cannot reach the OCSP responder " + target.responder() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OcspException("interrupted while asking the OCSP responder " + target.responder());
        }
        if (response.statusCode() != 200) {
            throw new OcspException("the OCSP responder " + target.responder() + " answered HTTP " + response.statusCode());
        }
        if (response.body().length > MAX_RESPONSE_BYTES) {
            throw new OcspException("the OCSP responder " + target.responder() + " answered " + response.body().length
                    + " bytes, more than the " + MAX_RESPONSE_BYTES + " a staple may weigh");
        }
        return response.body();
    }
}
