package io.patchbay.connector.oneflow;

import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Oneflow objects as the JSON-like values actions return: snake_case, ids as Long, times in RFC 3339. */
final class Output {
    private Output() {
    }

    /** An ordered object from alternating keys and values; null values are kept as JSON null. */
    static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /**
     * A page of results: the total, where this page starts, and where the next one starts (null at the end). Oneflow
     * serves no offset past {@link OneflowPages#MAX_OFFSET}: a next page starting beyond it could never be asked
     * for (our own input refuses it), so it is null there too, and {@code truncated} says the list was cut short.
     */
    static Map<String, Object> page(Dto.Page<?> page, int limit, int offset, String key, List<?> items) {
        Integer count = page.count();
        Long next;
        if (count != null) {
            next = offset + items.size() < count && !items.isEmpty() ? (long) (offset + items.size()) : null;
        } else {
            next = items.size() == limit ? (long) (offset + limit) : null;
        }
        boolean truncated = next != null && next > OneflowPages.MAX_OFFSET;
        return obj("count", count == null ? null : (long) count, "limit", (long) limit, "offset", (long) offset,
                "next_offset", truncated ? null : next, "truncated", truncated, key, items);
    }

    static Map<String, Object> workspace(Dto.Workspace w) {
        Boolean canCreate = w.permissions() == null ? null : w.permissions().get("contract:create");
        return obj("id", w.id(), "name", w.name(), "description", w.description(), "company_name", w.companyName(),
                "country_code", w.countryCode(), "can_create_contracts", canCreate,
                "created_time", OneflowTime.format(w.createdTime()), "updated_time", OneflowTime.format(w.updatedTime()));
    }

    static Map<String, Object> user(Dto.User u) {
        return obj("id", u.id(), "email", u.email(), "name", u.name(), "title", u.title(),
                "active", Boolean.TRUE.equals(u.active()), "is_admin", Boolean.TRUE.equals(u.isAdmin()),
                "state", u.state());
    }

    static Map<String, Object> template(Dto.Template t) {
        Dto.TemplateType type = t.templateType();
        return obj("id", t.id(), "name", t.name(), "active", t.active(),
                "template_type", type == null ? null
                        : obj("id", type.id(), "name", type.name(), "extension_type", type.extensionType()),
                "tags", tags(t.tags()),
                "created_time", OneflowTime.format(t.createdTime()), "updated_time", OneflowTime.format(t.updatedTime()));
    }

    /** The contract's own attributes; the name comes from {@code _private.name}. */
    static Map<String, Object> contractSummary(Dto.Contract c) {
        Dto.ContractPrivate p = c.privateData();
        Dto.ContractOwnerside o = c.ownerside();
        return obj("id", c.id(), "name", p == null ? null : p.name(), "state", c.state(),
                "workspace_id", p == null ? null : p.workspaceId(),
                "template_id", o == null ? null : o.templateId(),
                "template_type_id", o == null ? null : o.templateTypeId(),
                "value", p == null || p.value() == null ? null : json(p.value()),
                "tags", tags(c.tags()),
                "created_time", o == null ? null : OneflowTime.format(o.createdTime()),
                "published_time", OneflowTime.format(c.publishedTime()),
                "state_updated_time", OneflowTime.format(c.stateUpdatedTime()),
                "updated_time", OneflowTime.format(c.updatedTime()),
                "signing_period_expiry_time", OneflowTime.format(c.signingPeriodExpiryTime()));
    }

    /** The summary plus the lifecycle and the parties with their participants. */
    static Map<String, Object> contract(Dto.Contract c) {
        Map<String, Object> out = contractSummary(c);
        out.put("lifecycle_state", c.lifecycleState() == null ? null : json(c.lifecycleState()));
        out.put("parties", parties(c.parties()));
        return out;
    }

    static List<Object> parties(List<Map<String, Object>> parties) {
        List<Object> out = new ArrayList<>();
        if (parties == null) {
            return out;
        }
        for (Map<String, Object> party : parties) {
            List<Object> participants = new ArrayList<>();
            // Company parties list participants; an individual party may carry a single participant object.
            if (party.get("participants") instanceof List<?> list) {
                list.forEach(p -> participants.add(participant(p)));
            } else if (party.get("participant") instanceof Map<?, ?> single) {
                participants.add(participant(single));
            }
            out.add(obj("id", Input.toLong(party.get("id")), "name", party.get("name"), "type", party.get("type"),
                    "my_party", party.get("my_party"), "country_code", party.get("country_code"),
                    "identification_number", party.get("identification_number"), "participants", participants));
        }
        return out;
    }

    private static Map<String, Object> participant(Object raw) {
        Map<?, ?> p = raw instanceof Map<?, ?> m ? m : Map.of();
        return obj("id", Input.toLong(p.get("id")), "name", p.get("name"), "email", p.get("email"),
                "phone_number", p.get("phone_number"), "title", p.get("title"),
                "signatory", p.get("signatory"), "organizer", p.get("organizer"),
                "my_participant", p.get("my_participant"), "sign_state", p.get("sign_state"),
                "sign_state_updated_time", time(p.get("sign_state_updated_time")),
                "sign_method", p.get("sign_method"), "delivery_channel", p.get("delivery_channel"),
                "delivery_status", p.get("delivery_status"),
                "two_step_authentication_method", p.get("two_step_authentication_method"));
    }

    static Map<String, Object> event(Dto.Event e) {
        return obj("id", e.id(), "type", e.type(), "created_time", OneflowTime.format(e.createdTime()),
                "actor", e.actor() == null ? null : json(e.actor()), "data", e.data() == null ? null : json(e.data()));
    }

    static Map<String, Object> dataField(Dto.DataField d) {
        return obj("id", d.id(), "custom_id", d.ownerside() == null ? null : d.ownerside().customId(),
                "name", d.name(), "value", d.value(), "description", d.description(), "placeholder", d.placeholder());
    }

    static Map<String, Object> file(Dto.File f) {
        return obj("id", f.id(), "name", f.name(), "extension", f.extension(), "type", f.type());
    }

    private static List<Object> tags(List<Dto.Tag> tags) {
        List<Object> out = new ArrayList<>();
        if (tags != null) {
            tags.forEach(t -> out.add(obj("id", t.id(), "name", t.name())));
        }
        return out;
    }

    /** Free-form Oneflow JSON: whole numbers become Long (Moshi reads every number as Double). */
    static Object json(Object value) {
        return Input.plain(value);
    }

    /** A timestamp from free-form JSON, normalised when it parses and passed through when it does not. */
    private static Object time(Object value) {
        if (value instanceof String s && !s.isEmpty()) {
            try {
                return OneflowTime.format(OneflowTime.parse(s));
            } catch (DateTimeParseException e) {
                return s;
            }
        }
        return value;
    }
}
