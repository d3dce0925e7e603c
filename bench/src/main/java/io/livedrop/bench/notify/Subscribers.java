package io.livedrop.bench.notify;

import java.time.Duration;

/** Who holds a cohort's subscribers: a {@link Swarm} in this JVM, or client processes ({@link SwarmProcess.Fleet}). */
interface Subscribers extends AutoCloseable {

    void open(int concurrency, Duration timeout);

    int accepted();

    Swarm.Stats stats();

    /** Waits until every accepted subscriber was told of the drop, or none for {@code stall}, or the timeout. */
    Swarm.Delivery await(String dropId, String label, Duration stall, Duration timeout);
}
