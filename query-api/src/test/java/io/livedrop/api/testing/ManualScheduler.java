package io.livedrop.api.testing;

import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * A Reactor {@link Scheduler} whose time and tasks the test drives: nothing runs until
 * {@link #runDue()} or {@link #advance}, and then on the calling thread, in time order (tasks
 * scheduled for the same time in the order they were scheduled). Workers share its queue.
 */
public final class ManualScheduler implements Scheduler {

    private record Task(long atNanos, long order, Runnable run) {
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>(
            Comparator.comparingLong(Task::atNanos).thenComparingLong(Task::order));
    private long nowNanos;
    private long order;

    @Override
    public synchronized long now(TimeUnit unit) {
        return unit.convert(nowNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public Disposable schedule(Runnable task) {
        return schedule(task, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public Disposable schedule(Runnable run, long delay, TimeUnit unit) {
        Task task;
        synchronized (this) {
            task = new Task(nowNanos + Math.max(0, unit.toNanos(delay)), order++, run);
            queue.add(task);
        }
        return () -> {
            synchronized (ManualScheduler.this) {
                queue.remove(task);
            }
        };
    }

    /** Runs every task due now, including those they schedule for now. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Moves the time forward by {@code by}, running each task as its time comes. */
    public void advance(Duration by) {
        long target;
        synchronized (this) {
            target = nowNanos + by.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.atNanos() > target) {
                    nowNanos = target;
                    return;
                }
                queue.poll();
                nowNanos = next.atNanos();
            }
            next.run().run();
        }
    }

    /** Tasks waiting, due or not. */
    public synchronized int pending() {
        return queue.size();
    }

    @Override
    public Worker createWorker() {
        return new Worker() {
            private volatile boolean disposed;

            @Override
            public Disposable schedule(Runnable task) {
                if (disposed) {
                    throw new RejectedExecutionException("worker disposed");
                }
                return ManualScheduler.this.schedule(() -> {
                    if (!disposed) {
                        task.run();
                    }
                });
            }

            @Override
            public void dispose() {
                disposed = true;
            }

            @Override
            public boolean isDisposed() {
                return disposed;
            }
        };
    }
}
