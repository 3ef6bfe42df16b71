package io.patchbay.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An exclusive lock on a file, held against other processes (an operating system lock) and against other holders in
 * this JVM. Both are needed: the operating system's lock belongs to the whole process, and closing any channel on
 * the file releases it, so a second holder in this JVM must not even open the file while the first holds it. The
 * lock file is created owner-only and left in place: deleting it would let two holders lock two different files.
 */
final class ExclusiveFileLock implements AutoCloseable {
    /** One permit per lock file (by real path) in this JVM; a semaphore, so one thread cannot take it twice. */
    private static final Map<Path, Semaphore> IN_PROCESS = new ConcurrentHashMap<>();

    private final Semaphore inProcess;
    /** Holds the lock until it is closed. */
    private final FileChannel channel;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ExclusiveFileLock(Semaphore inProcess, FileChannel channel) {
        this.inProcess = inProcess;
        this.channel = channel;
    }

    /** Waits until the lock is free; the file's directory must exist. */
    static ExclusiveFileLock acquire(Path file) throws IOException {
        return lock(file, true).orElseThrow();
    }

    /** The lock, or empty when another process, or another holder in this JVM, has it. */
    static Optional<ExclusiveFileLock> tryAcquire(Path file) throws IOException {
        return lock(file, false);
    }

    private static Optional<ExclusiveFileLock> lock(Path file, boolean wait) throws IOException {
        Path real = file.toAbsolutePath().getParent().toRealPath().resolve(file.getFileName());
        Semaphore local = IN_PROCESS.computeIfAbsent(real, p -> new Semaphore(1));
        if (wait) {
            local.acquireUninterruptibly();
        } else if (!local.tryAcquire()) {
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(real, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    OwnerOnly.file());
            FileLock lock = wait ? channel.lock() : channel.tryLock();
            if (lock == null) {
                channel.close();
                local.release();
                return Optional.empty();
            }
            return Optional.of(new ExclusiveFileLock(local, channel));
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            local.release();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return; // the permit must be given back once only
        }
        try {
            channel.close(); // releases the lock
        } finally {
            inProcess.release();
        }
    }
}
