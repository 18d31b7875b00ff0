package dev.portcullis.operator.tickets;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Secret that holds the {@link SessionTicketSeed}: {@code seed} (32 random bytes) and, optionally,
 * {@code rotation-minutes} (the period, 60 when absent). In a cluster it lives in the operator's
 * namespace, created by the first operator that finds none (as the operator's CA); standalone it is
 * a manifest file in the served folder. Messages name the Secret and the field, never a value.
 */
public final class SessionTicketSecret {

    public static final String NAME = "portcullis-session-tickets";
    public static final String SEED = "seed";
    public static final String ROTATION_MINUTES = "rotation-minutes";

    private static final Logger LOG = LoggerFactory.getLogger(SessionTicketSecret.class);

    private SessionTicketSecret() {
    }

    /** Reads the seed; {@link IllegalArgumentException} says which field is wrong (never its value). */
    public static SessionTicketSeed parse(Secret secret) {
        String where = "secret " + secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName();
        byte[] decodedSeed = seedBytes(secret, where);
        Duration period = SessionTicketSeed.DEFAULT_PERIOD;
        byte[] minutes = value(secret, ROTATION_MINUTES);
        if (minutes != null) {
            try {
                period = Duration.ofMinutes(Long.parseLong(new String(minutes, StandardCharsets.UTF_8).strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": " + ROTATION_MINUTES + " is not a whole number of minutes");
            }
        }
        try {
            return new SessionTicketSeed(decodedSeed, period);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    /**
     * The seed in {@code namespace}, created (with the default period) when there is none. Every
     * operator replica reads the same one; a replica that loses the race to create it reads the winner's.
     */
    public static SessionTicketSeed loadOrCreate(KubernetesClient client, String namespace) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Secret existing = client.secrets().inNamespace(namespace).withName(NAME).get();
            if (existing != null) {
                return parse(existing);
            }
            SessionTicketSeed created = SessionTicketSeed.generate(SessionTicketSeed.DEFAULT_PERIOD);
            try {
                client.secrets().inNamespace(namespace).resource(secret(namespace, created)).create();
                LOG.info("created the session ticket seed in secret {}/{}", namespace, NAME);
                return created;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                // Another replica created it first: read theirs.
            }
        }
        throw new IllegalStateException("cannot create or read secret " + namespace + "/" + NAME);
    }

    /** The Secret holding {@code seed}, both fields in {@code data} (base64, as the API server keeps them). */
    public static Secret secret(String namespace, SessionTicketSeed seed) {
        Base64.Encoder base64 = Base64.getEncoder();
        Map<String, String> data = new LinkedHashMap<>();
        data.put(SEED, base64.encodeToString(seed.seed()));
        data.put(ROTATION_MINUTES, base64.encodeToString(String.valueOf(seed.period().toMinutes()).getBytes(StandardCharsets.UTF_8)));
        return new SecretBuilder().withNewMetadata().withName(NAME).withNamespace(namespace).endMetadata()
                .withType("Opaque").withData(data).build();
    }

    /** {@code data.seed} holds the 32 bytes (base64, as every data field); {@code stringData.seed} their base64 text. */
    private static byte[] seedBytes(Secret secret, String where) {
        String wrong = where + ": " + SEED + " is not " + SessionTicketSeed.SEED_BYTES + " bytes (base64 in data, or its base64 text in stringData)";
        byte[] seed = value(secret, SEED);
        if (seed == null) {
            throw new IllegalArgumentException(where + " has no " + SEED);
        }
        boolean inData = secret.getData() != null && secret.getData().get(SEED) != null;
        if (!inData) {
            try {
                seed = Base64.getDecoder().decode(new String(seed, StandardCharsets.US_ASCII).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(wrong);
            }
        }
        if (seed.length != SessionTicketSeed.SEED_BYTES) {
            throw new IllegalArgumentException(wrong);
        }
        return seed;
    }

    /** A field from {@code data} (decoded) or {@code stringData}, or null. */
    private static byte[] value(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().get(key) != null) {
            try {
                return Base64.getDecoder().decode(secret.getData().get(key).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("secret " + secret.getMetadata().getNamespace() + "/"
                        + secret.getMetadata().getName() + ": data." + key + " is not base64");
            }
        }
        if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
            return secret.getStringData().get(key).getBytes(StandardCharsets.UTF_8);
        }
        return null;
    }
}
