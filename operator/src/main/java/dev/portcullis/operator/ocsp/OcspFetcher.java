package dev.portcullis.operator.ocsp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * POSTs an OCSP request to a responder (RFC 6960 A.1) with the JDK client: the whole exchange,
 * body included, within a timeout, and at most {@link #MAX_RESPONSE_BYTES} read, so a slow or
 * bloated responder cannot stall or fill the operator.
 */
public class OcspFetcher implements AutoCloseable {

    /** The most a response may weigh: real ones are 1 to 4 KiB (and the snapshot caps staples). */
    static final int MAX_RESPONSE_BYTES = 12 * 1024;

    private final HttpClient client;
    private final Duration timeout;

    public OcspFetcher(Duration timeout) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.timeout = timeout;
    }

    public byte[] fetch(OcspTarget target) throws OcspException {
        byte[] request = OcspResponseVerifier.request(target);
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(HttpRequest.newBuilder(target.responder())
                .timeout(timeout)
                .header("Content-Type", "application/ocsp-request")
                .header("Accept", "application/ocsp-response")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request))
                .build(), info -> new BoundedBody());
        HttpResponse<byte[]> response;
        try {
            response = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new OcspException("the OCSP responder " + target.responder() + " did not answer within " + timeout);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new OcspException("cannot reach the OCSP responder " + target.responder() + ": "
                    + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new OcspException("interrupted while asking the OCSP responder " + target.responder());
        }
        if (response.statusCode() != 200) {
            throw new OcspException("the OCSP responder " + target.responder() + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    /** Stops the client's threads (the stapler that uses this fetcher closes it). */
    @Override
    public void close() {
        client.shutdownNow();
    }

    /** Collects the body, or fails as soon as it grows past the cap (the connection is dropped). */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + buffer.remaining() > MAX_RESPONSE_BYTES) {
                    subscription.cancel();
                    body.completeExceptionally(new IOException("the answer is larger than the "
                            + MAX_RESPONSE_BYTES + " bytes a staple may weigh"));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            body.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }
}
