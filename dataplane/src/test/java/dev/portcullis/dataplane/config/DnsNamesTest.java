package dev.portcullis.dataplane.config;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written checks say what the patterns say, on names built to hit every edge. */
class DnsNamesTest {

    private static final String ALPHABET = "ab09-.*.Z_";

    @Test
    void agreesWithThePatternsOnRandomNames() {
        Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            String name = randomName(random);
            assertThat(DnsNames.isName(name)).as("isName(\"%s\")", name)
                    .isEqualTo(name.length() <= 253 && DnsNames.NAME.matcher(name).matches());
            assertThat(DnsNames.isHost(name)).as("isHost(\"%s\")", name)
                    .isEqualTo(name.length() <= 253 && DnsNames.HOST.matcher(name).matches());
        }
    }

    @Test
    void labelAndNameLengthsAreBounded() {
        String label63 = "a".repeat(63);
        assertThat(DnsNames.isName(label63 + ".test")).isTrue();
        assertThat(DnsNames.isName("a" + label63 + ".test")).isFalse();
        String name253 = (label63 + ".").repeat(3) + "a".repeat(61);
        assertThat(name253).hasSize(253);
        assertThat(DnsNames.isName(name253)).isTrue();
        assertThat(DnsNames.isName(name253 + "a")).isFalse();
        assertThat(DnsNames.isHost("*." + "a".repeat(10) + ".test")).isTrue();
        assertThat(DnsNames.isName("*.shop.test")).isFalse();
        assertThat(DnsNames.isHost(null)).isFalse();
        assertThat(DnsNames.isName("")).isFalse();
    }

    private static String randomName(Random random) {
        StringBuilder name = new StringBuilder();
        if (random.nextInt(4) == 0) {
            name.append("*.");
        }
        int labels = 1 + random.nextInt(4);
        for (int label = 0; label < labels; label++) {
            if (label > 0) {
                name.append('.');
            }
            // Mostly valid characters, lengths around the 63 limit now and then.
            int length = random.nextInt(8) == 0 ? 60 + random.nextInt(6) : random.nextInt(6);
            for (int i = 0; i < length; i++) {
                name.append(random.nextInt(10) == 0 ? ALPHABET.charAt(random.nextInt(ALPHABET.length()))
                        : (char) ('a' + random.nextInt(3)));
            }
        }
        return name.toString();
    }
}
