package io.patchbay.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.util.Iterator;

/**
 * Gives each event to every appender attached to it. Logback's asynchronous appender feeds exactly one appender;
 * behind it, this lets one queue and one writer thread serve both the console and the log file, so a request
 * thread hands a line over once, not once per output.
 */
public final class FanOutAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {
    private final AppenderAttachableImpl<ILoggingEvent> outputs = new AppenderAttachableImpl<>();

    @Override
    protected void append(ILoggingEvent event) {
        outputs.appendLoopOnAppenders(event);
    }

    /** Stops the outputs too (flushing and closing the file): whoever stops this owns them. */
    @Override
    public void stop() {
        super.stop();
        outputs.detachAndStopAllAppenders();
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        outputs.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return outputs.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return outputs.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return outputs.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        outputs.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return outputs.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return outputs.detachAppender(name);
    }
}
