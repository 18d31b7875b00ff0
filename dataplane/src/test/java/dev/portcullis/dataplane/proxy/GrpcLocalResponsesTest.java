package dev.portcullis.dataplane.proxy;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The proxy's own answers to gRPC calls: a gRPC status in a Trailers-Only response. */
class GrpcLocalResponsesTest {

    @ParameterizedTest(name = "content-type {0} is gRPC")
    @ValueSource(strings = {"application/grpc", "application/grpc+proto", "application/grpc+json", "Application/GRPC",
            "application/grpc;charset=utf-8"})
    void grpcContentTypes(String type) {
        assertThat(LocalResponses.isGrpc(request(type))).isTrue();
    }

    @ParameterizedTest(name = "content-type {0} is not gRPC")
    @ValueSource(strings = {"application/grpc-web", "application/grpc-web+proto", "application/json", "text/plain",
            "application/grpcx"})
    void otherContentTypes(String type) {
        assertThat(LocalResponses.isGrpc(request(type))).isFalse();
    }

    @Test
    void noContentTypeIsNotGrpc() {
        assertThat(LocalResponses.isGrpc(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/"))).isFalse();
    }

    @ParameterizedTest(name = "HTTP {0} -> grpc-status {1}")
    @CsvSource({"502, 14", "503, 14", "504, 4", "408, 4", "404, 12", "413, 8", "400, 13", "421, 14", "500, 2"})
    void statusMapping(int http, int grpc) {
        FullHttpResponse response = LocalResponses.grpc(UnpooledByteBufAllocator.DEFAULT, HttpResponseStatus.valueOf(http),
                "why", true, "req-1");
        try {
            assertThat(response.status().code()).isEqualTo(200);
            assertThat(response.headers().get("content-type")).isEqualTo("application/grpc");
            assertThat(response.headers().getInt("grpc-status")).isEqualTo(grpc);
            assertThat(response.headers().get("grpc-message")).startsWith(http + " ").endsWith(": why (request req-1)");
            assertThat(response.headers().get("x-request-id")).isEqualTo("req-1");
            assertThat(response.content().readableBytes()).isZero();
            assertThat(response.trailingHeaders().isEmpty()).as("Trailers-Only: the status is in the one head").isTrue();
        } finally {
            response.release();
        }
    }

    @Test
    void grpcMessageIsPercentEncoded() {
        assertThat(LocalResponses.percentEncoded("100% sure: é\n")).isEqualTo("100%25 sure: %C3%A9%0A");
    }

    private static HttpRequest request(String contentType) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/pkg.Service/Method");
        request.headers().set("content-type", contentType);
        return request;
    }
}
