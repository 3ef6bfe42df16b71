package io.patchbay.storage;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.patchbay.core.account.AccountVault;
import io.patchbay.core.account.LinkedAccount;
import io.patchbay.spi.Credentials;
import io.patchbay.testkit.store.StoreFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/** Links accounts the way the core does (credentials sealed by the vault) and looks for secrets where they must not be. */
final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** A recognisable token nobody else writes: {@code tok_} and 40 hex characters. */
    static String newToken() {
        byte[] bytes = new byte[20];
        RANDOM.nextBytes(bytes);
        return "tok_" + HexFormat.of().formatHex(bytes);
    }

    static LinkedAccount link(PatchbayStorage storage, StoreFixtures.Account builder, String token) {
        LinkedAccount account = builder.build();
        storage.accounts().insert(account, seal(storage, account, token));
        return account;
    }

    static byte[] seal(PatchbayStorage storage, LinkedAccount account, String token) {
        return new AccountVault(storage.accounts(), storage.cipher()).seal(account.tenantId(), account.id(),
                new Credentials("api_token", Map.of("api_token", token)));
    }

    /** The token as the core reads it for a provider call. */
    static String open(PatchbayStorage storage, LinkedAccount account) {
        return new AccountVault(storage.accounts(), storage.cipher()).open(account).require("api_token");
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(new String(needle, StandardCharsets.ISO_8859_1));
    }

    static boolean contains(byte[] haystack, String needle) {
        return contains(haystack, needle.getBytes(StandardCharsets.UTF_8));
    }

    /** The bytes of every regular file under {@code root} (or the file itself). */
    static List<byte[]> filesUnder(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).map(p -> {
                try {
                    return Files.readAllBytes(p);
                } catch (IOException e) {
                    // A file removed while walking (PostgreSQL temp files) holds nothing to find.
                    return new byte[0];
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Collects every log event of the process while open. */
    static final class CapturedLogs implements AutoCloseable {
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

        CapturedLogs() {
            appender.start();
            root.addAppender(appender);
        }

        /** Each message with its arguments filled in, and any exception's messages. */
        List<String> lines() {
            return appender.list.stream().map(e -> e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList();
        }

        @Override
        public void close() {
            root.detachAppender(appender);
        }
    }
}
