package dev.portcullis.operator.translate;

import io.fabric8.kubernetes.api.model.Secret;

import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * TLS Secrets already parsed by earlier translations, by name and content: parsing and checking a
 * certificate and key costs a millisecond or more, and a change to one Ingress must not re-parse
 * the certificates of thousands of others. A memo of a pure function (same content, same result),
 * so translation stays deterministic. One translation at a time uses it (the publisher's loop).
 *
 * <p>It also remembers, for each Secret and host, the last certificate that was good for it (parsed,
 * the right type, covering the host, within its dates): when an edit breaks the Secret, the host
 * keeps that certificate rather than falling back to the default one. This is the one piece of
 * translation that depends on history; it lives here, in the operator, so that every data plane
 * (and one that restarts) gets the same kept certificate in its snapshot. What a translation no
 * longer asks about (a Secret deleted or no longer referenced) is forgotten.
 *
 * <p>An operator that starts while data planes run on (in a cluster) cannot know the last good
 * certificate of a Secret that broke before it started: its memo ({@link #forRunningDataPlanes()})
 * marks each Secret and purpose found broken in its first translation as "keep serving", and the
 * snapshot tells data planes to keep what they serve for it. The mark lasts, like a last good
 * certificate, while the Secret stays broken; one that breaks later, or is new, is known.
 *
 * <p>Two streams' memos (an IngressClass's and all classes') translate on two threads and share
 * parses: each reads only what the other published when its last translation finished.
 */
public final class ParsedSecrets {

    /** What the last finished translation used; never changed once it is assigned, so the other stream may read it. */
    private volatile Map<Content, Object> byContent = new HashMap<>();
    /** Parses first used by translations of some Ingresses since the last full one; never changed once assigned. */
    private volatile Map<Content, Object> recent = Map.of();
    private Map<Content, Object> usedNow = new HashMap<>();
    /**
     * The same parses by the Secret object they came from: the informers hand out the same object
     * until the Secret changes, so most lookups need neither its content read again nor hashed.
     */
    private Map<Secret, Known> byObject = new IdentityHashMap<>();
    private Map<Secret, Known> usedByObjectNow = new IdentityHashMap<>();
    /** Parsed ahead of this translation, in parallel; kept only if the translation asks for them. */
    private volatile Map<Content, Object> ahead = Map.of();
    private Map<String, Object> lastGood = new HashMap<>();
    private Map<String, Object> lastGoodNow = new HashMap<>();
    private Set<String> keepServing = new HashSet<>();
    private Set<String> keepServingNow = new HashSet<>();
    /** Until the first translation is done: whether data planes may serve certificates this memo never saw. */
    private boolean historyUnknown;
    private int parses;
    /** Another stream's memo whose parses this one may share (a pure function of content), or null. */
    private volatile ParsedSecrets sharesParsesOf;
    private final IngressSettingsMemo settingsMemo = new IngressSettingsMemo();
    private final SliceEndpointsMemo sliceEndpointsMemo = new SliceEndpointsMemo();

    /** A memo whose data planes start with it (standalone, {@code check}, tests): it knows all they serve. */
    public ParsedSecrets() {
    }

    /**
     * A memo for an operator whose data planes may have run before it (in a cluster, after a restart
     * or a failover): in its first translation, a broken Secret without a last good certificate is
     * marked "keep serving" instead of leaving its host on the default certificate.
     */
    public static ParsedSecrets forRunningDataPlanes() {
        ParsedSecrets memo = new ParsedSecrets();
        memo.historyUnknown = true;
        return memo;
    }

    /**
     * A memo for a new IngressClass stream: it starts with what the all-classes stream remembers
     * (last good certificates and "keep serving" marks) and parses afresh; the data planes of the
     * class may have run before it, as in {@link #forRunningDataPlanes()}.
     */
    public static ParsedSecrets rememberingFrom(ParsedSecrets other) {
        ParsedSecrets memo = forRunningDataPlanes();
        if (other != null) {
            synchronized (other) { // it may be finishing a translation on its own thread
                memo.lastGood = new HashMap<>(other.lastGood);
                memo.keepServing = new HashSet<>(other.keepServing);
            }
            // The same Secrets, parsed once for both: a class's first translation at 10,000 TLS
            // Ingresses would otherwise parse 10,000 certificates and keys again.
            memo.sharesParsesOf = other;
            if (other.sharesParsesOf == null) {
                other.sharesParsesOf = memo; // and the other way, for the first class (the usual one)
            }
        }
        return memo;
    }

    /**
     * Whether data planes are to keep what they serve for this broken Secret and purpose, which has
     * no last good certificate: marked so in the first translation of a {@link #forRunningDataPlanes()}
     * memo, and kept so while it is asked about.
     */
    boolean keepsServing(String secretAndPurpose) {
        if (historyUnknown || keepServing.contains(secretAndPurpose) || keepServingNow.contains(secretAndPurpose)) {
            keepServingNow.add(secretAndPurpose);
            return true;
        }
        return false;
    }

    /** The last parse that was good for this Secret and purpose (a host, or the default certificate), if any. */
    @SuppressWarnings("unchecked")
    <T> T lastGood(String secretAndPurpose) {
        Object good = lastGoodNow.containsKey(secretAndPurpose) ? lastGoodNow.get(secretAndPurpose)
                : lastGood.get(secretAndPurpose);
        if (good != null) {
            lastGoodNow.put(secretAndPurpose, good);
        }
        return (T) good;
    }

    /** This parse is good for the Secret and purpose: remember it as the one to keep if the Secret breaks. */
    void good(String secretAndPurpose, Object parsed) {
        lastGoodNow.put(secretAndPurpose, parsed);
    }

    /** The parse of this Secret's certificate and key, computed once per content. */
    @SuppressWarnings("unchecked")
    <T> T get(String namespace, String name, Secret secret, Supplier<T> parse) {
        Known same = usedByObjectNow.get(secret);
        if (same == null) {
            same = byObject.get(secret);
        }
        if (same != null) {
            usedNow.put(same.content(), same.parsed());
            usedByObjectNow.put(secret, same);
            return (T) same.parsed();
        }
        Content key = Content.of(secret);
        Object parsed = known(key);
        ParsedSecrets other = sharesParsesOf;
        if (parsed == null && other != null) {
            parsed = other.published(key);
        }
        if (parsed == null) {
            parsed = parse.get();
            parses++;
        }
        usedNow.put(key, parsed);
        usedByObjectNow.put(secret, new Known(key, parsed));
        return (T) parsed;
    }

    /**
     * What the annotations phase read of each Ingress, kept beside the parsed Secrets because it
     * lives as long: across the translations of one stream.
     */
    IngressSettingsMemo settingsMemo() {
        return settingsMemo;
    }

    /** What each EndpointSlice held for a port, kept for as long (across the translations of one stream). */
    SliceEndpointsMemo sliceEndpointsMemo() {
        return sliceEndpointsMemo;
    }

    private Object known(Content key) {
        Object parsed = usedNow.get(key);
        if (parsed == null) {
            parsed = byContent.get(key);
        }
        return parsed != null ? parsed : publishedLately(key);
    }

    /** For the other stream's memo, on its thread: a parse this one's translations published. */
    private Object published(Content key) {
        Object parsed = byContent.get(key);
        return parsed != null ? parsed : publishedLately(key);
    }

    private Object publishedLately(Content key) {
        Object parsed = recent.get(key);
        return parsed != null ? parsed : ahead.get(key);
    }

    /**
     * Parses, on every core, the Secrets this memo (and the one it shares parses with) does not know
     * yet: an operator starting at 10,000 TLS Ingresses has 10,000 certificates and keys to check,
     * a millisecond or two each, and a translation asks for them one at a time.
     */
    void parseAhead(java.util.Collection<Secret> secrets, java.util.function.Function<Secret, Object> parse) {
        List<Secret> unknown = new java.util.ArrayList<>();
        for (Secret secret : secrets) {
            if (byObject.containsKey(secret)) {
                continue;
            }
            Content key = Content.of(secret);
            ParsedSecrets other = sharesParsesOf;
            if (known(key) == null && (other == null || other.published(key) == null)) {
                unknown.add(secret);
            }
        }
        if (unknown.size() < PARSE_AHEAD_FROM) {
            return;
        }
        Map<Content, Object> parsed = new java.util.concurrent.ConcurrentHashMap<>();
        unknown.parallelStream().forEach(secret -> parsed.put(Content.of(secret), parse.apply(secret)));
        ahead = parsed;
        parses += parsed.size();
    }

    /** Below this many unknown Secrets, parsing one at a time is as quick. */
    private static final int PARSE_AHEAD_FROM = 32;

    /** A translation is done: forget what it did not use (deleted or changed Secrets). */
    synchronized void translationDone() {
        settingsMemo.translationDone();
        sliceEndpointsMemo.translationDone();
        byContent = usedNow; // before ahead is cleared: the other stream always finds one or the other
        recent = Map.of();
        ahead = Map.of();
        usedNow = HashMap.newHashMap(byContent.size());
        byObject = usedByObjectNow;
        usedByObjectNow = new IdentityHashMap<>(byObject.size());
        lastGood = lastGoodNow;
        lastGoodNow = new HashMap<>();
        keepServing = keepServingNow;
        keepServingNow = new HashSet<>();
        historyUnknown = false;
    }

    /**
     * A translation of some Ingresses only is done ({@link IncrementalTranslator}): what it used is
     * added to what earlier ones used, since the Ingresses it left out still use theirs. What was
     * deleted is forgotten at the next full translation.
     */
    synchronized void partialTranslationDone() {
        settingsMemo.partialTranslationDone();
        sliceEndpointsMemo.partialTranslationDone();
        // Most of what it used is known already; the rest (new Secrets) goes to a small map of its own,
        // copied, since the other stream may be reading the last one.
        Map<Content, Object> added = null;
        for (Map.Entry<Content, Object> used : usedNow.entrySet()) {
            if (byContent.get(used.getKey()) != used.getValue() && recent.get(used.getKey()) != used.getValue()) {
                if (added == null) {
                    added = new HashMap<>(recent);
                }
                added.put(used.getKey(), used.getValue());
            }
        }
        if (added != null) {
            recent = added; // before ahead is cleared, as above
        }
        ahead = Map.of();
        usedNow = new HashMap<>();
        byObject.putAll(usedByObjectNow);
        usedByObjectNow = new IdentityHashMap<>();
        lastGood.putAll(lastGoodNow);
        lastGoodNow = new HashMap<>();
        keepServing.addAll(keepServingNow);
        keepServingNow = new HashSet<>();
        historyUnknown = false;
    }

    /** How many Secrets were parsed rather than found (for tests and metrics). */
    public int parses() {
        return parses;
    }

    int size() {
        return byContent.size() + recent.size();
    }

    /** A Secret's content and what it parsed to. */
    private record Known(Content content, Object parsed) {
    }

    /**
     * A Secret's name and the content a parse depends on. The strings are the Secret's own (no
     * copy, no digest): their hashes are computed once per object, and an unchanged Secret's
     * strings are the same instances, so a lookup compares references.
     */
    private record Content(String namespace, String name, String type, String certificate, String key) {

        static Content of(Secret secret) {
            return new Content(ClusterState.namespaceOf(secret), secret.getMetadata().getName(), String.valueOf(secret.getType()),
                    raw(secret, "tls.crt"), raw(secret, "tls.key"));
        }
    }

    private static String raw(Secret secret, String key) {
        for (Map<String, String> values : java.util.Arrays.asList(secret.getData(), secret.getStringData())) {
            if (values != null && values.get(key) != null) {
                return values.get(key);
            }
        }
        return "";
    }
}
