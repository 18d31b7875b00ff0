package dev.portcullis.dataplane.proxy;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ForwardedHeadersTest {

    @Test
    void requestKeepsHostDropsHopByHopAndAddsForwardedHeaders() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.POST, "/upload");
        request.headers()
                .add("Host", "app.example.test:8443")
                .add("Connection", "keep-alive, X-Secret-Hop")
                .add("X-Secret-Hop", "drop me")
                .add("Keep-Alive", "timeout=5")
                .add("Proxy-Connection", "keep-alive")
                .add("TE", "trailers")
                .add("Upgrade", "websocket")
                .add("Transfer-Encoding", "chunked")
                .add("X-Forwarded-For", "203.0.113.7")
                .add("X-Forwarded-For", "198.51.100.2")
                .add("X-Forwarded-Proto", "ftp")
                .add("X-Custom", "kept");

        ForwardedHeaders.rewriteRequest(request, "192.0.2.1", "https", 8443);

        assertThat(request.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(request.headers().get("Host")).isEqualTo("app.example.test:8443");
        assertThat(request.headers().get("X-Forwarded-For")).isEqualTo("203.0.113.7, 198.51.100.2, 192.0.2.1");
        assertThat(request.headers().get("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(request.headers().get("X-Forwarded-Port")).isEqualTo("8443");
        assertThat(request.headers().get("X-Forwarded-Host")).isEqualTo("app.example.test:8443");
        assertThat(request.headers().get("X-Real-IP")).isEqualTo("192.0.2.1");
        assertThat(request.headers().get("X-Custom")).isEqualTo("kept");
        assertThat(request.headers().names()).map(String::toLowerCase)
                .doesNotContain("connection", "x-secret-hop", "keep-alive", "proxy-connection", "te", "upgrade");
        assertThat(request.headers().get("Transfer-Encoding")).isEqualTo("chunked"); // framing redone, not forwarded
    }

    @Test
    void connectionTokensCannotStripHostOrContentLength() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
        request.headers().add("Host", "app.example.test").add("Content-Length", "3").add("Connection", "host, content-length");
        ForwardedHeaders.rewriteRequest(request, "192.0.2.1", "http", 8080);
        assertThat(request.headers().get("Host")).isEqualTo("app.example.test");
        assertThat(request.headers().get("Content-Length")).isEqualTo("3");
    }

    @Test
    void responseOfUnknownLengthIsChunkedForHttp11AndClosesForHttp10() {
        HttpResponse toHttp11 = closeDelimited();
        assertThat(ForwardedHeaders.rewriteResponse(toHttp11, true, HttpVersion.HTTP_1_1, false)).isTrue();
        assertThat(toHttp11.headers().get("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(toHttp11.headers().contains("Connection")).isFalse();
        assertThat(toHttp11.headers().contains("X-Hop")).isFalse();

        HttpResponse toHttp10 = closeDelimited();
        assertThat(ForwardedHeaders.rewriteResponse(toHttp10, true, HttpVersion.HTTP_1_0, false)).isFalse();
        assertThat(toHttp10.headers().get("Connection")).isEqualTo("close");
        assertThat(toHttp10.headers().contains("Transfer-Encoding")).isFalse();
    }

    @Test
    void responseWithLengthKeepsHttp10ClientsAlive() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().add("Content-Length", "5");
        assertThat(ForwardedHeaders.rewriteResponse(response, true, HttpVersion.HTTP_1_0, false)).isTrue();
        assertThat(response.headers().get("Connection")).isEqualTo("keep-alive");
    }

    @Test
    void bodilessResponsesNeedNoFraming() {
        HttpResponse notModified = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
        assertThat(ForwardedHeaders.rewriteResponse(notModified, true, HttpVersion.HTTP_1_1, false)).isTrue();
        assertThat(notModified.headers().contains("Transfer-Encoding")).isFalse();
    }

    private static HttpResponse closeDelimited() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK);
        response.headers().add("Connection", "close, X-Hop").add("X-Hop", "1");
        return response;
    }
}
