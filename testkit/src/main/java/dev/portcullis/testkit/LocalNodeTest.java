package dev.portcullis.testkit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the test class on one {@link LocalNode} of its own, injected into a static field of that
 * type, and removes the node after the class, also when a test fails. Where the machine cannot run
 * a node (no binaries, no containerd, not root) the class is skipped with the reason, unless
 * {@code PORTCULLIS_REQUIRE_REAL_API_SERVER=true} (as {@code .ci/run} sets), which makes it fail.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LocalNodeExtension.class)
public @interface LocalNodeTest {
}
