package dev.portcullis.operator.cluster;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every fabric8 model object allocates its own {@code additionalProperties} map (the fields the
 * API server sent that the model does not know) and its own list or map for each collection field
 * (finalizers, owner references, labels, IP families...), almost always empty for the first and
 * often for the others: about 50 maps and 35 lists per Ingress with its Secret, Service and
 * EndpointSlice, 40 MB of a cache of 10,000 of them. This replaces each empty one, through the whole
 * object tree, with one shared empty map or list that refuses writes; a filled one is kept. Cached
 * objects are only read (the reconcilers build what they write), so nothing notices but the heap;
 * code that wrote one would fail loudly here rather than change the cache under the informer.
 *
 * <p>The tree is walked through each model class's public getters whose type is a fabric8 model
 * class, a list or a map; what to call is worked out once per class. An object it cannot walk keeps
 * its collections: only memory is at stake.
 */
final class SharedEmpties {

    private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";
    private static final ClassValue<Walk> WALKS = new ClassValue<>() {
        @Override
        protected Walk computeValue(Class<?> type) {
            return Walk.of(type);
        }
    };

    private SharedEmpties() {
    }

    /** Shares the empty collections of {@code model} and of every model object under it. */
    static void share(Object model) {
        if (model != null && isModel(model.getClass())) {
            WALKS.get(model.getClass()).walk(model);
        }
    }

    private static boolean isModel(Class<?> type) {
        return type.getName().startsWith(MODEL_PACKAGE) && !type.isEnum();
    }

    /** A collection property: its getter, and its setter when it has one. */
    private record Property(MethodHandle getter, MethodHandle setter) {
    }

    /** What to do on one model class: its children's getters, and its list and map properties. */
    private record Walk(List<MethodHandle> children, List<Property> lists, List<Property> maps) {

        static Walk of(Class<?> type) {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            List<MethodHandle> children = new ArrayList<>();
            List<Property> lists = new ArrayList<>();
            List<Property> maps = new ArrayList<>();
            try {
                for (Method method : type.getMethods()) {
                    if (Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 0
                            || !method.getName().startsWith("get") || method.getDeclaringClass() == Object.class) {
                        continue;
                    }
                    Class<?> returned = method.getReturnType();
                    if (isModel(returned)) {
                        children.add(lookup.unreflect(method));
                    } else if (returned == List.class) {
                        lists.add(new Property(lookup.unreflect(method), setter(lookup, type, method, List.class)));
                    } else if (returned == Map.class) {
                        maps.add(new Property(lookup.unreflect(method), setter(lookup, type, method, Map.class)));
                    }
                }
            } catch (ReflectiveOperationException e) {
                return new Walk(List.of(), List.of(), List.of()); // an unusual model class keeps its collections
            }
            return new Walk(List.copyOf(children), List.copyOf(lists), List.copyOf(maps));
        }

        private static MethodHandle setter(MethodHandles.Lookup lookup, Class<?> type, Method getter, Class<?> collection) {
            try {
                return lookup.findVirtual(type, "set" + getter.getName().substring(3), MethodType.methodType(void.class, collection));
            } catch (ReflectiveOperationException e) {
                return null;
            }
        }

        void walk(Object model) {
            try {
                for (MethodHandle child : children) {
                    share(child.invoke(model));
                }
                for (Property list : lists) {
                    if (list.getter().invoke(model) instanceof List<?> elements) {
                        if (elements.isEmpty()) {
                            if (list.setter() != null && elements != List.of()) {
                                list.setter().invoke(model, List.of());
                            }
                        } else {
                            for (Object element : elements) {
                                share(element);
                            }
                        }
                    }
                }
                for (Property map : maps) {
                    if (map.setter() != null && map.getter().invoke(model) instanceof Map<?, ?> entries && entries.isEmpty()
                            && entries != Map.of()) {
                        map.setter().invoke(model, Map.of());
                    }
                }
            } catch (Throwable e) {
                // Only memory is at stake: an object this cannot walk keeps its collections.
            }
        }
    }
}
