package io.patchbay.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
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
    /** How often a waiter tries again. */
    private static final Duration RETRY = Duration.ofMillis(20);
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

    /**
     * Waits until the lock is free, at most {@code timeout}; the file's directory must exist. Bounded, since a
     * holder that never lets go (a process stuck on a network file system) must not stop the waiter for ever: a key
     * removal waits here while it holds a database lock that every secret write needs.
     *
     * @throws IOException when the lock stayed taken for {@code timeout}, or waiting was interrupted
     */
    static ExclusiveFileLock acquire(Path file, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<ExclusiveFileLock> lock = lock(file);
            if (lock.isPresent()) {
                return lock.get();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IOException("another process or thread has held the lock for " + timeout.toMillis()
                        + " ms");
            }
            try {
                Thread.sleep(RETRY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the lock");
            }
        }
    }

    /** The lock, or empty when another process, or another holder in this JVM, has it. */
    static Optional<ExclusiveFileLock> tryAcquire(Path file) throws IOException {
        return lock(file);
    }

    private static Optional<ExclusiveFileLock> lock(Path file) throws IOException {
        Path real = file.toAbsolutePath().getParent().toRealPath().resolve(file.getFileName());
        Semaphore local = IN_PROCESS.computeIfAbsent(real, p -> new Semaphore(1));
        if (!local.tryAcquire()) {
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(real, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    OwnerOnly.file());
            FileLock lock = channel.tryLock();
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
