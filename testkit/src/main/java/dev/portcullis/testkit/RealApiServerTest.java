package dev.portcullis.testkit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the test class against its own real API server (etcd + kube-apiserver, see
 * {@link RealApiServer}), injected into a field of type {@link RealApiServer}. Where the binaries
 * are neither present nor downloadable, the class is skipped with the reason, unless
 * {@code PORTCULLIS_REQUIRE_REAL_API_SERVER=true} (as {@code .ci/run} sets), which makes it fail.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealApiServerExtension.class)
public @interface RealApiServerTest {

    /** Also run kube-controller-manager (garbage collection of owned objects, ReplicaSets). */
    boolean controllerManager() default false;

    /** The API server's watch cache; off, a watch that resumes from a compacted revision gets 410 Gone. */
    boolean watchCache() default true;
}
