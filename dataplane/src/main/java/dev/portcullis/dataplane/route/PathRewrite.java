package dev.portcullis.dataplane.route;

import dev.portcullis.dataplane.config.Route;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * A route's rewrite target, parsed once per snapshot: literal text and the numbers of the groups
 * ({@code $1}) to put between it. As nginx's {@code rewrite ... break}: the whole path is replaced; a
 * query in the target comes first and the request's own query follows it after {@code &}.
 */
public final class PathRewrite {

    private final List<Object> parts; // String literal or Integer group
    private final boolean hasQuery;

    private PathRewrite(List<Object> parts, boolean hasQuery) {
        this.parts = parts;
        this.hasQuery = hasQuery;
    }

    public static PathRewrite parse(String target) {
        List<Object> parts = new ArrayList<>();
        Matcher groups = Route.REWRITE_GROUP.matcher(target);
        int last = 0;
        while (groups.find()) {
            if (groups.start() > last) {
                parts.add(target.substring(last, groups.start()));
            }
            parts.add(Integer.parseInt(groups.group(1)));
            last = groups.end();
        }
        if (last < target.length()) {
            parts.add(target.substring(last));
        }
        return new PathRewrite(List.copyOf(parts), target.indexOf('?') >= 0);
    }

    /**
     * The origin-form target the pod receives.
     *
     * @param groups what the route's match captured ({@link PathRouter.Match#groups()}); a group it
     *               does not have, or that took no part, is empty
     * @param query  the request's query with its {@code ?}, or empty
     */
    public String apply(String[] groups, String query) {
        StringBuilder target = new StringBuilder(64);
        for (Object part : parts) {
            if (part instanceof Integer group) {
                if (group < groups.length && groups[group] != null) {
                    target.append(groups[group]);
                }
            } else {
                target.append((String) part);
            }
        }
        if (target.isEmpty() || target.charAt(0) != '/') {
            target.insert(0, '/');
        }
        if (!query.isEmpty()) {
            if (hasQuery) {
                target.append('&').append(query, 1, query.length());
            } else {
                target.append(query);
            }
        }
        return target.toString();
    }
}
