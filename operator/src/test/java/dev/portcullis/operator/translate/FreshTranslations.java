package dev.portcullis.operator.translate;

import static org.assertj.core.api.Assertions.assertThat;

/** For the memo tests: what a translation with no memo gives, and a memoized one compared with it. */
final class FreshTranslations {

    private FreshTranslations() {
    }

    static Translation fresh(ClusterState state) {
        return IngressTranslator.translate(state, 99, GoldenCertificates.NOW, new ParsedSecrets());
    }

    /** The same snapshot (whatever its version) and the same problems. */
    static void assertSame(Translation memoized, Translation fresh) {
        assertThat(memoized.snapshot().withVersion(0)).isEqualTo(fresh.snapshot().withVersion(0));
        assertThat(memoized.problems()).isEqualTo(fresh.problems());
    }
}
