package io.patchbay.connector.toggl;

import io.patchbay.spi.AuthMethod;
import io.patchbay.spi.CredentialField;
import io.patchbay.spi.CredentialFormatException;
import io.patchbay.spi.CredentialSpec;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.FieldError;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** The two ways Toggl Track accepts a user (both HTTP Basic), and how each becomes an Authorization header. */
final class TogglCredentials {
    static final String API_TOKEN_METHOD = "api_token";
    static final String EMAIL_PASSWORD_METHOD = "email_password";
    static final String API_TOKEN = "api_token";
    static final String EMAIL = "email";
    static final String PASSWORD = "password";

    /**
     * Toggl does not describe the token format in words. Every token its documentation shows
     * ({@code 1971800d4d82861d8f2c1651fea4d212} in https://engineering.toggl.com/docs/authentication) and every
     * token seen in recorded {@code GET /api/v9/me} answers is 32 lowercase hexadecimal characters.
     */
    static final String TOKEN_PATTERN = "[0-9a-f]{32}";

    private static final List<String> PERMISSION_NOTES = List.of(
            "To link the account for a team, the Toggl user must be an admin of the workspace or the owner of its "
                    + "organization. Other users can link it for themselves: reports and webhooks then only see "
                    + "their own time entries.",
            "Every plan, including Free, has API access; since September 2025 Toggl limits each user to about 30 "
                    + "requests per hour on Free workspaces.");

    static final CredentialSpec SPEC = CredentialSpec.of(
            new AuthMethod(API_TOKEN_METHOD, "API token", true,
                    List.of(CredentialField.secret(API_TOKEN, "API token",
                                    "Your personal Toggl Track API token: Profile Settings, API Token section at the "
                                            + "bottom of the page, \"Click to reveal\".")
                            .withPattern(TOKEN_PATTERN, "1971800d4d82861d8f2c1651fea4d212",
                                    "must be 32 characters, digits 0-9 and lowercase letters a-f")),
                    List.of("Sign in to Toggl Track at https://track.toggl.com.",
                            "Click your profile icon in the lower-left corner and choose \"Profile Settings\".",
                            "Scroll to the API Token section at the bottom of the page.",
                            "Click \"Click to reveal\" and copy the 32-character token.",
                            "Keep it private: anyone with the token acts as you. Resetting it in Toggl disconnects "
                                    + "every app that uses the old one."),
                    PERMISSION_NOTES),
            new AuthMethod(EMAIL_PASSWORD_METHOD, "Email and password", false,
                    List.of(CredentialField.email(EMAIL, "Email", "The email address you sign in to Toggl Track with."),
                            CredentialField.password(PASSWORD, "Password", "Your Toggl Track password.")),
                    List.of("Use the email address and password you sign in to Toggl Track with.",
                            "If you sign in with Google, Apple or single sign-on only, your account may have no "
                                    + "password: link it with the API token instead (Profile Settings, API Token "
                                    + "section at the bottom, \"Click to reveal\")."),
                    PERMISSION_NOTES));

    private TogglCredentials() {
    }

    /** Fails with {@link CredentialFormatException} when a caller skipped the offline check. */
    static void requireWellFormed(Credentials credentials) {
        List<FieldError> errors = SPEC.check(credentials);
        if (!errors.isEmpty()) {
            throw new CredentialFormatException(errors);
        }
    }

    /** {@code Basic base64(<token>:api_token)} or {@code Basic base64(<email>:<password>)}. */
    static String authorization(Credentials credentials) {
        String pair = API_TOKEN_METHOD.equals(credentials.authMethod())
                ? credentials.require(API_TOKEN) + ":api_token"
                : credentials.require(EMAIL) + ":" + credentials.require(PASSWORD);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** The input a user must fix when Toggl rejects these credentials. */
    static String rejectedField(Credentials credentials) {
        return API_TOKEN_METHOD.equals(credentials.authMethod()) ? API_TOKEN : PASSWORD;
    }

    /** What the user typed that must never reach a message: the secret values and the header built from them. */
    static List<String> secrets(Credentials credentials) {
        List<String> secrets = new java.util.ArrayList<>();
        for (String key : SPEC.secretKeys(credentials.authMethod())) {
            credentials.get(key).filter(v -> !v.isBlank()).ifPresent(secrets::add);
        }
        secrets.add(authorization(credentials).substring("Basic ".length()));
        return List.copyOf(secrets);
    }

    static Credentials apiToken(String token) {
        return new Credentials(API_TOKEN_METHOD, java.util.Map.of(API_TOKEN, token));
    }
}
