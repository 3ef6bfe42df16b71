package io.patchbay.testkit;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link System.Logger} for a connector's context that keeps every message at every level, so a test can prove
 * what a connector logs, and that no secret is among it: with the full text of any throwable (causes and stack
 * included), and a formatted message's raw parameters besides the formatted text, since a connector's pattern need
 * not be {@link MessageFormat}'s.
 */
public final class RecordingLogger implements System.Logger {
    private final List<String> messages = new CopyOnWriteArrayList<>();

    /** The messages so far, one entry per call. */
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
        messages.add(msg + (thrown == null ? "" : "\n" + fullText(thrown)));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        if (params == null || params.length == 0) {
            messages.add(String.valueOf(format));
            return;
        }
        StringBuilder line = new StringBuilder();
        try {
            line.append(MessageFormat.format(String.valueOf(format), params));
        } catch (IllegalArgumentException notMessageFormat) {
            line.append(format);
        }
        for (Object param : params) {
            line.append('\n').append(param instanceof Throwable t ? fullText(t) : String.valueOf(param));
        }
        messages.add(line.toString());
    }

    private static String fullText(Throwable thrown) {
        StringWriter out = new StringWriter();
        thrown.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
