package io.patchbay.connector.oneflow;

import io.patchbay.spi.AuthMethod;
import io.patchbay.spi.CredentialField;
import io.patchbay.spi.CredentialFormatException;
import io.patchbay.spi.CredentialSpec;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.FieldError;
import java.util.ArrayList;
import java.util.List;

/** The one way to link Oneflow: an account API token plus the email of the user the integration acts as. */
final class OneflowCredentials {
    static final String METHOD = "api_token";
    static final String TOKEN = "api_token";
    static final String EMAIL = "user_email";
    static final int TOKEN_LENGTH = 40;
    private static final String TOKEN_PATTERN = "[A-Za-z0-9-]{40}";

    static final CredentialSpec SPEC = CredentialSpec.of(new AuthMethod(METHOD, "API token and user email", true,
            List.of(
                    CredentialField.secret(TOKEN, "API token",
                                    "Created in Oneflow under Admin → Integrations → Custom Integration → API Tokens, "
                                            + "after the Custom Integration is enabled in the Marketplace. Oneflow "
                                            + "shows it only once: 40 characters of letters, digits and hyphens.")
                            .withPattern(TOKEN_PATTERN, "5f0c7d2e9a41b6e8c3d17f05a9b2e4c68d1f3a7b",
                                    "must be exactly 40 characters of letters, digits and hyphens"),
                    CredentialField.email(EMAIL, "User email",
                            "The email of the Oneflow user whose permissions the integration runs under. It must "
                                    + "be an active user of the same Oneflow account as the token.")),
            List.of(
                    "Sign in to Oneflow (https://app.oneflow.com) as an account admin.",
                    "Open the Marketplace, find Custom Integration and enable it (your plan must include API access).",
                    "Go to Admin → Integrations → Custom Integration and open the API Tokens tab.",
                    "Click Generate a new token, name it (for example \"Patchbay\") and confirm.",
                    "Copy the token at once: Oneflow shows it only once. It is 40 characters of letters, digits "
                            + "and hyphens; paste it into API token.",
                    "Enter the email of the Oneflow user the integration should act as. It must be an active user "
                            + "of the same account; actions run with that user's permissions."),
            List.of(
                    "Only an account admin can enable the Custom Integration and create API tokens.",
                    "The token reaches the whole account; what an action may do follows the permissions of the "
                            + "user named by user_email (workspaces, templates, contract rights).",
                    "Creating and publishing contracts needs the contract:create permission in the workspace; "
                            + "publishing is not available on Oneflow's free plan.")));

    private OneflowCredentials() {
    }

    /**
     * The generic checks, with a sharper message for the token: its length when that is what is wrong, else the
     * characters. Messages never echo a value.
     */
    static List<FieldError> check(Credentials credentials) {
        List<FieldError> errors = new ArrayList<>();
        for (FieldError error : SPEC.check(credentials)) {
            if (error.field().equals(TOKEN) && error.code().equals("pattern")) {
                int length = credentials.values().get(TOKEN).length();
                errors.add(length != TOKEN_LENGTH
                        ? new FieldError(TOKEN, "length", "API token must be exactly " + TOKEN_LENGTH
                                + " characters long, but has " + length + "; copy the whole token from Oneflow")
                        : new FieldError(TOKEN, "pattern",
                                "API token may contain only letters, digits and hyphens"));
            } else {
                errors.add(error);
            }
        }
        String email = credentials.values().get(EMAIL);
        boolean emailChecked = errors.stream().noneMatch(e -> e.field().equals(EMAIL));
        if (emailChecked && email != null && !email.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            // The email travels in an HTTP header, which takes printable ASCII only; OkHttp would refuse it at
            // send time with an unchecked exception, the value in its message.
            errors.add(new FieldError(EMAIL, "ascii", "User email may contain only ASCII letters, digits and "
                    + "symbols, as Oneflow receives it in an HTTP header; write an internationalised domain in its "
                    + "xn-- form"));
        }
        return List.copyOf(errors);
    }

    /** The headers for a call made as the linked user; malformed credentials fail before any request. */
    static OneflowApi.Auth auth(Credentials credentials) {
        List<FieldError> errors = check(credentials);
        if (!errors.isEmpty()) {
            throw new CredentialFormatException(errors);
        }
        return new OneflowApi.Auth(credentials.require(TOKEN), credentials.require(EMAIL));
    }
}
