package dev.portcullis.dataplane.testsupport;

import java.io.IOException;
import java.io.InputStream;

/** Reading HTTP/1.1 off a raw socket, byte by byte, so nothing past the part asked for is consumed. */
public final class RawHttp {
    private RawHttp() {
    }

    /** A head up to and including its blank line (less if the stream ends first). */
    public static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
