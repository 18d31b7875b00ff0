package dev.portcullis.dataplane.proxy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CookieValueTest {

    @Test
    void findsTheNamedCookieOnly() {
        assertThat(CookieValue.find("a=1; INGRESSCOOKIE=abc; b=2", "INGRESSCOOKIE")).isEqualTo("abc");
        assertThat(CookieValue.find("INGRESSCOOKIE=abc", "INGRESSCOOKIE")).isEqualTo("abc");
        assertThat(CookieValue.find("xINGRESSCOOKIE=no;INGRESSCOOKIE=\"q\"", "INGRESSCOOKIE")).isEqualTo("q");
        assertThat(CookieValue.find("INGRESSCOOKIEx=no; a=INGRESSCOOKIE=", "INGRESSCOOKIE")).isNull();
        assertThat(CookieValue.find("", "a")).isNull();
        assertThat(CookieValue.find("a=", "a")).isEmpty();
        assertThat(CookieValue.find(";;  a = 1", "a")).isNull(); // spaces around '=' are not a cookie name
    }
}
