package dev.portcullis.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;

/** Starts one {@link LocalNode} per test class annotated {@link LocalNodeTest}, and removes it after the class. */
public final class LocalNodeExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalNodeExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path script = Path.of("..", "testkit", "local-node.sh").toAbsolutePath().normalize();
        if (!Files.exists(script)) {
            throw new KubeBinaries.Unavailable("no " + script).skipOrFail();
        }
        LocalNode node;
        try {
            node = LocalNode.start(script, Path.of("target", "local-node").toAbsolutePath());
        } catch (KubeBinaries.Unavailable e) {
            throw e.skipOrFail();
        }
        context.getStore(NAMESPACE).put(LocalNode.class, (AutoCloseable) node::close);
        for (Class<?> type = context.getRequiredTestClass(); type != null; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (field.getType() == LocalNode.class && Modifier.isStatic(field.getModifiers())) {
                    field.setAccessible(true);
                    field.set(null, node);
                }
            }
        }
    }
}
