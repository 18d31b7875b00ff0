package dev.portcullis.operator.cluster;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Every fabric8 model object allocates its own {@code additionalProperties} map (the fields the
 * API server sent that the model does not know), almost always empty: about 50 per Ingress with
 * its Secret, Service and EndpointSlice, 32 MB of a cache of 10,000 of them. This replaces each
 * empty one, through the whole object tree, with one shared empty map that refuses writes; a
 * non-empty one is kept. Cached objects are read, never written, so nothing notices but the heap.
 *
 * <p>The tree is walked through each model class's public getters whose type is itself a fabric8
 * model class, or a list of them; what to call is worked out once per class. An object it cannot
 * walk keeps its maps: only memory is at stake.
 */
final class SharedEmptyExtras {

    private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";
    private static final Map<String, Object> SHARED = Collections.emptyMap();
    private static final ClassValue<Walk> WALKS = new ClassValue<>() {
        @Override
        protected Walk computeValue(Class<?> type) {
            return Walk.of(type);
        }
    };

    private SharedEmptyExtras() {
    }

    /** Shares the empty maps of {@code model} and of every model object under it. */
    static void share(Object model) {
        if (model != null && isModel(model.getClass())) {
            WALKS.get(model.getClass()).walk(model);
        }
    }

    private static boolean isModel(Class<?> type) {
        return type.getName().startsWith(MODEL_PACKAGE) && !type.isEnum();
    }

    /** What to do on one model class: its extras' getter and setter (when it has them), and its children's getters. */
    private record Walk(MethodHandle extras, MethodHandle setExtras, List<MethodHandle> children, List<MethodHandle> lists) {

        static Walk of(Class<?> type) {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle extras = null;
            MethodHandle setExtras = null;
            List<MethodHandle> children = new ArrayList<>();
            List<MethodHandle> lists = new ArrayList<>();
            try {
                for (Method method : type.getMethods()) {
                    if (Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 0
                            || !method.getName().startsWith("get") || method.getDeclaringClass() == Object.class) {
                        continue;
                    }
                    Class<?> returned = method.getReturnType();
                    if (method.getName().equals("getAdditionalProperties") && returned == Map.class) {
                        extras = lookup.unreflect(method);
                        setExtras = lookup.findVirtual(type, "setAdditionalProperties",
                                MethodType.methodType(void.class, Map.class));
                    } else if (isModel(returned)) {
                        children.add(lookup.unreflect(method));
                    } else if (List.class.isAssignableFrom(returned)) {
                        lists.add(lookup.unreflect(method));
                    }
                }
            } catch (ReflectiveOperationException e) {
                return new Walk(null, null, List.of(), List.of()); // an unusual model class keeps its maps
            }
            return new Walk(extras, setExtras, List.copyOf(children), List.copyOf(lists));
        }

        void walk(Object model) {
            try {
                if (extras != null && extras.invoke(model) instanceof Map<?, ?> map && map.isEmpty() && map != SHARED) {
                    setExtras.invoke(model, SHARED);
                }
                for (MethodHandle child : children) {
                    share(child.invoke(model));
                }
                for (MethodHandle list : lists) {
                    if (list.invoke(model) instanceof Collection<?> elements) {
                        for (Object element : elements) {
                            share(element);
                        }
                    }
                }
            } catch (Throwable e) {
                // Only memory is at stake: an object this cannot walk keeps its maps.
            }
        }
    }
}
