package io.patchbay.core;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/** A logger standing in for the host's in core's tests: the lines it got, and the throwables passed as such. */
public final class LinesLogger implements System.Logger {
    public final List<String> lines = new CopyOnWriteArrayList<>();
    public final List<Throwable> thrown = new CopyOnWriteArrayList<>();

    @Override
    public String getName() {
        return "lines";
    }

    @Override
    public boolean isLoggable(Level level) {
        return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable t) {
        lines.add(msg);
        if (t != null) {
            thrown.add(t);
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        lines.add(params == null || params.length == 0 ? format : MessageFormat.format(format, params));
    }
}
