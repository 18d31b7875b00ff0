package dev.portcullis.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/** Starts one {@link RealApiServer} per test class annotated {@link RealApiServerTest}, and stops it after the class. */
public final class RealApiServerExtension implements BeforeAllCallback, TestInstancePostProcessor {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealApiServerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        RealApiServerTest settings = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), RealApiServerTest.class)
                .orElseThrow();
        RealApiServer server;
        try {
            server = RealApiServer.start(KubeBinaries.locate(),
                    new RealApiServer.Options(settings.controllerManager(), settings.watchCache(), "10.96.0.0/16"));
        } catch (KubeBinaries.Unavailable e) {
            throw e.skipOrFail();
        }
        context.getStore(NAMESPACE).put(RealApiServer.class, (AutoCloseable) server::close);
        context.getStore(NAMESPACE).put("server", server);
        inject(context.getRequiredTestClass(), null, server);
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) throws Exception {
        RealApiServer server = context.getStore(NAMESPACE).get("server", RealApiServer.class);
        if (server != null) {
            inject(testInstance.getClass(), testInstance, server);
        }
    }

    private static void inject(Class<?> type, Object instance, RealApiServer server) throws IllegalAccessException {
        for (Class<?> current = type; current != null; current = current.getSuperclass()) {
            for (Field field : current.getDeclaredFields()) {
                if (field.getType() == RealApiServer.class && Modifier.isStatic(field.getModifiers()) == (instance == null)) {
                    field.setAccessible(true);
                    field.set(instance, server);
                }
            }
        }
    }
}
