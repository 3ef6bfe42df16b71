package io.patchbay.connector.oneflow.fake;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The fake's data: two accounts with users, workspaces, templates and contracts, rendered as Oneflow does. */
final class FakeState {
    /** REST resources write {@code +00:00}. */
    static final DateTimeFormatter REST_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx")
            .withZone(ZoneOffset.UTC);
    static final Instant EPOCH = Instant.parse("2024-01-08T09:00:00Z");

    final Map<String, Account> accountsByToken = new LinkedHashMap<>();
    final Map<Long, Workspace> workspaces = new LinkedHashMap<>();
    final Map<Long, Template> templates = new LinkedHashMap<>();
    final Map<Long, Contract> contracts = new LinkedHashMap<>();
    long nextId = 900_000;

    static final class Account {
        final long id;
        final String name;
        final List<User> users = new ArrayList<>();
        boolean freePlan;

        Account(long id, String name) {
            this.id = id;
            this.name = name;
        }

        /** The user a {@code x-oneflow-user-email} header names: exactly as stored, or ignoring case if asked. */
        Optional<User> user(String email, boolean ignoreCase) {
            String wanted = email.strip();
            return users.stream().filter(u -> ignoreCase ? u.email.equalsIgnoreCase(wanted) : u.email.equals(wanted))
                    .findFirst();
        }
    }

    static final class User {
        final long id;
        final String email;
        final String name;
        final String title;
        final boolean active;
        final boolean admin;
        /** Workspaces a non-admin reaches, and whether they may create contracts there. */
        final Map<Long, Boolean> workspaceCreate = new LinkedHashMap<>();

        User(long id, String email, String name, String title, boolean active, boolean admin) {
            this.id = id;
            this.email = email;
            this.name = name;
            this.title = title;
            this.active = active;
            this.admin = admin;
        }
    }

    record Workspace(long id, long accountId, String name, String description) {
    }

    record DataFieldSpec(String customId, String name, String description, String placeholder) {
    }

    record Template(long id, long accountId, String name, boolean active, List<Long> workspaceIds,
                    Long typeId, String typeName, String extensionType, List<DataFieldSpec> fields) {
    }

    static final class Participant {
        final long id;
        final Map<String, Object> attributes = new LinkedHashMap<>();

        Participant(long id) {
            this.id = id;
        }
    }

    static final class Party {
        final long id;
        final String type;
        final String name;
        final boolean mine;
        final String countryCode;
        final String identificationNumber;
        final List<Participant> participants = new ArrayList<>();

        Party(long id, String type, String name, boolean mine, String countryCode, String identificationNumber) {
            this.id = id;
            this.type = type;
            this.name = name;
            this.mine = mine;
            this.countryCode = countryCode;
            this.identificationNumber = identificationNumber;
        }
    }

    static final class DataField {
        final long id;
        final DataFieldSpec spec;
        String value;
        Instant updated;

        DataField(long id, DataFieldSpec spec, String value) {
            this.id = id;
            this.spec = spec;
            this.value = value;
        }
    }

    record Event(long id, String type, Instant created, Map<String, Object> actor, Map<String, Object> data) {
    }

    record File(long id, String name, String extension, String type, byte[] bytes) {
    }

    static final class Contract {
        final long id;
        final long workspaceId;
        final long templateId;
        String name;
        String state;
        final Instant created;
        Instant published;
        Instant stateUpdated;
        Instant updated;
        final List<Party> parties = new ArrayList<>();
        final List<DataField> dataFields = new ArrayList<>();
        final List<Event> events = new ArrayList<>();
        final List<File> files = new ArrayList<>();

        Contract(long id, long workspaceId, long templateId, String name, String state, Instant created) {
            this.id = id;
            this.workspaceId = workspaceId;
            this.templateId = templateId;
            this.name = name;
            this.state = state;
            this.created = created;
            this.stateUpdated = created;
            this.updated = created;
        }

        Optional<File> file(long fileId) {
            return files.stream().filter(f -> f.id == fileId).findFirst();
        }

        Set<String> participantEmails() {
            Set<String> emails = new LinkedHashSet<>();
            parties.forEach(p -> p.participants.forEach(x -> {
                if (x.attributes.get("email") instanceof String e && !e.isEmpty()) {
                    emails.add(e.toLowerCase(Locale.ROOT));
                }
            }));
            return emails;
        }
    }

    long id() {
        return nextId++;
    }

    /** The seed: fixed ids and emails that tests refer to through {@link FakeOneflow}'s constants. */
    static FakeState seed() {
        FakeState s = new FakeState();
        Account acme = new Account(FakeOneflow.ACCOUNT_ID, "Acme Contracts AB");
        s.accountsByToken.put(FakeOneflow.TOKEN, acme);
        User admin = new User(FakeOneflow.ADMIN_USER_ID, FakeOneflow.ADMIN_EMAIL, "Ada Admin", "CEO", true, true);
        User inactive = new User(FakeOneflow.INACTIVE_USER_ID, FakeOneflow.INACTIVE_EMAIL, "Ivy Inactive", "", false,
                false);
        acme.users.add(admin);
        acme.users.add(inactive);
        acme.users.add(new User(FakeOneflow.NO_WORKSPACE_USER_ID, FakeOneflow.NO_WORKSPACE_EMAIL, "Nora Nowhere", "",
                true, false));
        for (int i = 0; i < FakeOneflow.FILLER_USERS; i++) {
            User filler = new User(416_100 + i, String.format("user%03d@acme.example", i), "User " + i, "", true, false);
            filler.workspaceCreate.put(FakeOneflow.WORKSPACE_SALES, true);
            acme.users.add(filler);
        }
        // Stored with capitals: the email a user types may not match Oneflow's spelling exactly.
        User member = new User(FakeOneflow.MEMBER_USER_ID, "Max.Member@Acme.example", "Max Member", "Sales rep",
                true, false);
        member.workspaceCreate.put(FakeOneflow.WORKSPACE_SALES, true);
        member.workspaceCreate.put(FakeOneflow.WORKSPACE_HR, false);
        acme.users.add(member);

        Account other = new Account(FakeOneflow.OTHER_ACCOUNT_ID, "Other Industries Oy");
        s.accountsByToken.put(FakeOneflow.OTHER_ACCOUNT_TOKEN, other);
        other.users.add(new User(500_101, FakeOneflow.OTHER_ACCOUNT_EMAIL, "Olga Other", "", true, true));
        s.workspaces.put(500_200L, new Workspace(500_200, other.id, "Other main", ""));

        s.workspaces.put(FakeOneflow.WORKSPACE_SALES, new Workspace(FakeOneflow.WORKSPACE_SALES, acme.id, "Sales",
                "Customer agreements"));
        s.workspaces.put(FakeOneflow.WORKSPACE_HR, new Workspace(FakeOneflow.WORKSPACE_HR, acme.id, "HR",
                "Employment contracts"));
        s.workspaces.put(FakeOneflow.WORKSPACE_LEGAL, new Workspace(FakeOneflow.WORKSPACE_LEGAL, acme.id, "Legal",
                "Board matters"));

        List<DataFieldSpec> ndaFields = List.of(
                new DataFieldSpec("counterparty_name", "Counterparty name", "Legal name of the other side", "Globex Corp"),
                new DataFieldSpec("effective_date", "Effective date", "When the NDA starts", "2024-01-01"));
        s.templates.put(FakeOneflow.TEMPLATE_NDA, new Template(FakeOneflow.TEMPLATE_NDA, acme.id, "Mutual NDA", true,
                List.of(FakeOneflow.WORKSPACE_SALES), 5L, "Sales Template", "custom", ndaFields));
        s.templates.put(FakeOneflow.TEMPLATE_CONDUCT, new Template(FakeOneflow.TEMPLATE_CONDUCT, acme.id,
                "Code of Conduct", true, List.of(FakeOneflow.WORKSPACE_SALES, FakeOneflow.WORKSPACE_HR), null, null,
                null, List.of()));
        s.templates.put(FakeOneflow.TEMPLATE_INACTIVE, new Template(FakeOneflow.TEMPLATE_INACTIVE, acme.id,
                "Old Sales Terms", false, List.of(FakeOneflow.WORKSPACE_SALES), null, null, null, List.of()));
        s.templates.put(FakeOneflow.TEMPLATE_EMPLOYMENT, new Template(FakeOneflow.TEMPLATE_EMPLOYMENT, acme.id,
                "Employment Agreement", true, List.of(FakeOneflow.WORKSPACE_HR), 7L, "HR Template", "hibob",
                List.of(new DataFieldSpec("employee_name", "Employee name", "Name of employee", "John Workerson"))));
        s.templates.put(FakeOneflow.TEMPLATE_LEGAL, new Template(FakeOneflow.TEMPLATE_LEGAL, acme.id, "Board Resolution",
                true, List.of(FakeOneflow.WORKSPACE_LEGAL), null, null, null, List.of()));

        Contract signed = s.contract(FakeOneflow.CONTRACT_SIGNED, FakeOneflow.WORKSPACE_SALES, FakeOneflow.TEMPLATE_NDA,
                "Mutual NDA – Globex", "draft", EPOCH, admin, acme);
        s.counterparty(signed, "company", "Globex Corp", "gina@globex.example", "Gina Globex", "556677-8899");
        signed.dataFields.get(0).value = "Globex Corp";
        signed.dataFields.get(1).value = "2024-03-01";
        s.publish(signed, EPOCH.plus(Duration.ofDays(1)), admin);
        s.sign(signed, EPOCH.plus(Duration.ofDays(2)));
        signed.files.add(new File(2, "verification", "pdf", "verification", pdf("verification " + signed.id)));
        signed.files.add(new File(7001, "terms.docx", "docx", "attachment",
                "PK fake docx bytes for 51874".getBytes(StandardCharsets.UTF_8)));

        Contract draft = s.contract(FakeOneflow.CONTRACT_DRAFT, FakeOneflow.WORKSPACE_SALES, FakeOneflow.TEMPLATE_NDA,
                "Mutual NDA – Initech", "draft", EPOCH.plus(Duration.ofDays(3)), member, acme);
        s.counterparty(draft, "company", "Initech", "peter@initech.example", "Peter Gibbons", "112233-4455");

        Contract hr = s.contract(FakeOneflow.CONTRACT_HR, FakeOneflow.WORKSPACE_HR, FakeOneflow.TEMPLATE_EMPLOYMENT,
                "Employment – Jane Doe", "draft", EPOCH.plus(Duration.ofDays(4)), admin, acme);
        s.counterparty(hr, "individual", "Jane Doe", "jane@example.com", "Jane Doe", "");
        hr.dataFields.get(0).value = "Jane Doe";
        s.publish(hr, EPOCH.plus(Duration.ofDays(5)), admin);

        s.contract(FakeOneflow.CONTRACT_LEGAL, FakeOneflow.WORKSPACE_LEGAL, FakeOneflow.TEMPLATE_LEGAL,
                "Board resolution 2024", "draft", EPOCH.plus(Duration.ofDays(6)), admin, acme);

        // Enough contracts in Sales to need more than one page of 100.
        String[] states = {"draft", "pending", "signed", "declined", "overdue"};
        for (int i = 0; i < FakeOneflow.SALES_CONTRACTS - 2; i++) {
            Instant created = EPOCH.plus(Duration.ofHours(10L * i));
            Contract c = s.contract(60_000 + i, FakeOneflow.WORKSPACE_SALES, FakeOneflow.TEMPLATE_CONDUCT,
                    String.format("Sales deal %03d", i), "draft", created, admin, acme);
            String state = states[i % states.length];
            if (!state.equals("draft")) {
                s.counterparty(c, "company", "Customer " + i, String.format("buyer%03d@customer.example", i),
                        "Buyer " + i, "");
                s.publish(c, created.plus(Duration.ofHours(1)), admin);
                if (!state.equals("pending")) {
                    c.state = state;
                    c.stateUpdated = created.plus(Duration.ofHours(2));
                }
            }
        }
        return s;
    }

    Contract contract(long id, long workspaceId, long templateId, String name, String state, Instant created,
                      User creator, Account account) {
        Contract c = new Contract(id, workspaceId, templateId, name, state, created);
        Party mine = new Party(id(), "company", account.name, true, "SE", "559012-3456");
        mine.participants.add(participant(creator.name, creator.email, false, true));
        c.parties.add(mine);
        for (DataFieldSpec spec : templates.get(templateId).fields()) {
            c.dataFields.add(new DataField(id(), spec, ""));
        }
        c.files.add(new File(1, "contract", "pdf", "contract", pdf("contract " + id)));
        c.events.add(new Event(id(), "contract:create", created, actor(creator, mine), Map.of()));
        contracts.put(id, c);
        return c;
    }

    void counterparty(Contract c, String type, String partyName, String email, String person, String number) {
        Party party = new Party(id(), type, partyName, false, "SE", number);
        party.participants.add(participant(person, email, true, false));
        c.parties.add(party);
    }

    Participant participant(String name, String email, boolean signatory, boolean organizer) {
        Participant p = new Participant(id());
        p.attributes.put("name", name);
        p.attributes.put("email", email);
        p.attributes.put("phone_number", "");
        p.attributes.put("title", "");
        p.attributes.put("signatory", signatory);
        p.attributes.put("organizer", organizer);
        p.attributes.put("delivery_channel", "email");
        p.attributes.put("delivery_status", "not_sent");
        p.attributes.put("sign_method", "standard_esign");
        p.attributes.put("sign_state", "undecided");
        p.attributes.put("sign_state_updated_time", null);
        p.attributes.put("two_step_authentication_method", "none");
        return p;
    }

    void publish(Contract c, Instant at, User by) {
        c.state = "pending";
        c.published = at;
        c.stateUpdated = at;
        c.updated = at;
        c.parties.forEach(p -> p.participants.forEach(x -> x.attributes.put("delivery_status", "success")));
        c.events.add(new Event(id(), "contract:publish", at, actor(by, c.parties.get(0)), Map.of()));
    }

    void sign(Contract c, Instant at) {
        for (Party party : c.parties) {
            for (Participant p : party.participants) {
                if (Boolean.TRUE.equals(p.attributes.get("signatory"))) {
                    p.attributes.put("sign_state", "signed");
                    p.attributes.put("sign_state_updated_time", REST_TIME.format(at));
                    c.events.add(new Event(id(), "participant:sign", at,
                            Map.of("id", p.id, "name", p.attributes.get("name"),
                                    "party", Map.of("id", party.id, "name", party.name)), Map.of()));
                }
            }
        }
        c.state = "signed";
        c.stateUpdated = at;
        c.updated = at;
        c.events.add(new Event(id(), "contract:sign", at, null, Map.of()));
    }

    static Map<String, Object> actor(User user, Party party) {
        Map<String, Object> actor = new LinkedHashMap<>();
        actor.put("id", user.id);
        actor.put("name", user.name);
        actor.put("party", Map.of("id", party.id, "name", party.name));
        return actor;
    }

    static byte[] pdf(String label) {
        return ("%PDF-1.4\n% " + label + "\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    static String time(Instant instant) {
        return instant == null ? null : REST_TIME.format(instant);
    }
}
