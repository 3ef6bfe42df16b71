package io.patchbay.connector.oneflow;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Oneflow webhook deliveries. The body carries {@code signature = sha1_hex(callback_id + sign_key)}: not an HMAC
 * and not over the body, so a verified delivery is a hint to re-read the contract, and {@code callback_id} (the
 * same on every retry) is the key to drop duplicates.
 */
public final class OneflowWebhooks {
    private static final JsonAdapter<Map<String, Object>> JSON = new Moshi.Builder().build()
            .adapter(Types.newParameterizedType(Map.class, String.class, Object.class));

    /** One delivery. {@code signature} is empty when the body has none. */
    public record Payload(long contractId, String callbackId, List<Event> events, Optional<String> signature) {
        public Payload {
            Objects.requireNonNull(callbackId, "callbackId");
            events = List.copyOf(events);
            Objects.requireNonNull(signature, "signature");
        }
    }

    /** One event of a delivery; {@code createdTime} is parsed from Oneflow's {@code +0000} form. */
    public record Event(long id, String type, OffsetDateTime createdTime) {
        public Event {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(createdTime, "createdTime");
        }
    }

    private OneflowWebhooks() {
    }

    /**
     * Reads a delivery body, strictly: every event needs an id, a type and a readable created_time. A delivery
     * that {@link #verify} accepts may still fail here; answer it 200 (it is authentic) and re-read the contract.
     *
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    public static Payload parse(byte[] body) {
        Map<String, Object> root = json(body);
        if (!(root.get("contract") instanceof Map<?, ?> contract) || Input.toLong(contract.get("id")) == null) {
            throw new IllegalArgumentException("webhook body has no contract.id");
        }
        if (!(root.get("callback_id") instanceof String callbackId) || callbackId.isBlank()) {
            throw new IllegalArgumentException("webhook body has no callback_id");
        }
        List<Event> events = new ArrayList<>();
        if (root.get("events") instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof Map<?, ?> event) || Input.toLong(event.get("id")) == null
                        || !(event.get("type") instanceof String type) || !(event.get("created_time") instanceof String time)) {
                    throw new IllegalArgumentException("webhook events[" + i + "] needs id, type and created_time");
                }
                try {
                    events.add(new Event(Input.toLong(event.get("id")), type, OneflowTime.parse(time)));
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("webhook events[" + i + "].created_time is not a timestamp", e);
                }
            }
        }
        return new Payload(Input.toLong(contract.get("id")), callbackId, events, signatureOf(root));
    }

    /** {@code sha1_hex(callbackId + signKey)}, lower case. */
    public static String signature(String callbackId, String signKey) {
        Objects.requireNonNull(callbackId, "callbackId");
        Objects.requireNonNull(signKey, "signKey");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((callbackId + signKey).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JRE", e);
        }
    }

    /**
     * Whether the body's signature matches {@code signKey}, compared in constant time. A missing key, a missing
     * signature or callback_id, or a body that is no JSON object never verifies. The rest of the body is not looked
     * at, since the signature does not cover it: {@link #parse} judges it.
     */
    public static boolean verify(byte[] body, String signKey) {
        if (body == null || signKey == null || signKey.isEmpty()) {
            return false;
        }
        // Only what the signature covers is read: an event of a new type or shape, or a time in a new format,
        // must not turn a correctly signed delivery away (Oneflow gives up after 10 refused attempts).
        Map<String, Object> root;
        try {
            root = json(body);
        } catch (IllegalArgumentException e) {
            return false;
        }
        Optional<String> signature = signatureOf(root);
        if (!(root.get("callback_id") instanceof String callbackId) || callbackId.isBlank() || signature.isEmpty()) {
            return false;
        }
        byte[] expected = signature(callbackId, signKey).getBytes(StandardCharsets.US_ASCII);
        byte[] given = signature.get().strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }

    /**
     * The docs put the signature at the top level; Oneflow's own connector schema puts it in each event, so the
     * first event that has one counts when the top level has none.
     */
    private static Optional<String> signatureOf(Map<String, Object> root) {
        if (root.get("signature") instanceof String s) {
            return Optional.of(s);
        }
        if (root.get("events") instanceof List<?> events) {
            for (Object event : events) {
                if (event instanceof Map<?, ?> e && e.get("signature") instanceof String s) {
                    return Optional.of(s);
                }
            }
        }
        return Optional.empty();
    }

    private static Map<String, Object> json(byte[] body) {
        Objects.requireNonNull(body, "body");
        try {
            Map<String, Object> root = JSON.fromJson(new String(body, StandardCharsets.UTF_8));
            if (root == null) {
                throw new IllegalArgumentException("webhook body is empty");
            }
            return root;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
                    && iae.getMessage().startsWith("webhook")) {
                throw iae;
            }
            throw new IllegalArgumentException("webhook body is not a JSON object", e);
        }
    }
}
