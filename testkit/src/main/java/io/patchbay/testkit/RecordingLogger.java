package io.patchbay.testkit;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link System.Logger} for a connector's context that keeps every formatted message at every level, so a test can
 * prove what a connector logs, and that no secret is among it.
 */
public final class RecordingLogger implements System.Logger {
    private final List<String> messages = new CopyOnWriteArrayList<>();

    /** The messages so far, each with its throwable's {@code toString()} appended. */
    public List<String> messages() {
        return List.copyOf(messages);
    }

    /** All messages as one text, for {@code doesNotContain} checks. */
    public String text() {
        return String.join("\n", messages);
    }

    public void clear() {
        messages.clear();
    }

    @Override
    public String getName() {
        return "recording";
    }

    @Override
    public boolean isLoggable(Level level) {
        return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        messages.add(msg + (thrown == null ? "" : " " + thrown));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        messages.add(params == null || params.length == 0 ? format : MessageFormat.format(format, params));
    }
}
