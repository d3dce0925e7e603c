package io.livedrop.api.streams;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Liveness for stream threads that are alive but stuck. A stream thread polls its consumer every few
 * milliseconds while it runs, restores or rebalances; one that has not polled for {@code limit} is blocked
 * (the fault suite saw it after a broker's kill -9: a commit retrying a batch of an aborted transaction for
 * ever, which only a restart of the instance clears). Kafka's own {@code last-poll-seconds-ago} consumer
 * metric tells; the watchdog marks liveness BROKEN while a thread is stuck, so that an orchestrator
 * restarts the instance, and CORRECT again if the thread moves on. While the broker is away every thread
 * waits in its commit and a restart cannot help, so a thread counts as stuck only once the cluster has
 * answered for {@code limit} without a break.
 */
public final class StreamThreadWatchdog implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StreamThreadWatchdog.class);
    private static final String LAST_POLL = "last-poll-seconds-ago";

    /** A stream thread's main consumer that has not polled for {@code secondsSincePoll}. */
    public record Stuck(String application, String consumer, double secondsSincePoll) {
    }

    private final Supplier<Map<String, KafkaStreams>> applications;
    private final String bootstrapServers;
    private final Duration limit;
    private final Duration every;
    private final ApplicationEventPublisher events;
    private volatile List<Stuck> stuck = List.of();
    private Instant reachableSince;
    private Instant lastCheck;
    private Admin admin;
    private ScheduledExecutorService timer;

    /**
     * @param applications     the started Kafka Streams applications by name, read at every check
     * @param bootstrapServers the cluster, asked at every check whether it answers
     * @param limit            how long a stream thread may go without polling
     * @param every            how often to look
     */
    public StreamThreadWatchdog(Supplier<Map<String, KafkaStreams>> applications, String bootstrapServers,
                                Duration limit, Duration every, ApplicationEventPublisher events) {
        this.applications = applications;
        this.bootstrapServers = bootstrapServers;
        this.limit = limit;
        this.every = every;
        this.events = events;
    }

    /** The stream threads of {@code streams} that have not polled for longer than {@code limit}. */
    private static List<Stuck> find(String application, KafkaStreams streams, Duration limit) {
        if (!streams.state().isRunningOrRebalancing()) {
            return List.of();
        }
        List<Stuck> found = new ArrayList<>();
        for (Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
            MetricName name = entry.getKey();
            String consumer = name.tags().get("client-id");
            // the main consumer of each stream thread: "<client id>-StreamThread-<n>-consumer"
            if (!LAST_POLL.equals(name.name()) || consumer == null || !consumer.contains("-StreamThread-")
                    || !consumer.endsWith("-consumer") || consumer.endsWith("-restore-consumer")) {
                continue;
            }
            // -1 until the first poll
            if (entry.getValue().metricValue() instanceof Number seconds && seconds.doubleValue() > limit.toSeconds()) {
                found.add(new Stuck(application, consumer, seconds.doubleValue()));
            }
        }
        return found;
    }

    /** Looks once: publishes BROKEN when a thread is newly stuck, CORRECT when none is any more. */
    void check() {
        Instant at = Instant.now();
        // a late check means this whole process was paused (SIGSTOP, a long GC, a suspended VM): every thread
        // looks idle since then, so the count starts again
        boolean paused = lastCheck != null && Duration.between(lastCheck, at).compareTo(every.multipliedBy(3)) > 0;
        lastCheck = at;
        if (!clusterAnswers()) {
            reachableSince = null;
        } else if (reachableSince == null || paused) {
            reachableSince = at;
        }
        boolean reachableLongEnough = reachableSince != null
                && Duration.between(reachableSince, at).compareTo(limit) >= 0;
        List<Stuck> now = new ArrayList<>();
        if (reachableLongEnough) {
            applications.get().forEach((name, streams) -> now.addAll(find(name, streams, limit)));
        }
        List<Stuck> before = stuck;
        stuck = List.copyOf(now);
        if (!now.isEmpty() && before.isEmpty()) {
            now.forEach(s -> log.error("Stream thread {} of the {} application has not polled for {} s (limit {} s): "
                    + "it is stuck. Liveness is BROKEN: restart this instance (an orchestrator does so on "
                    + "/actuator/health/liveness); its tasks move to the others. See docs/operations.md, \"Broker outage\".",
                    s.consumer(), s.application(), (long) s.secondsSincePoll(), limit.toSeconds()));
            AvailabilityChangeEvent.publish(events, this, LivenessState.BROKEN);
        } else if (now.isEmpty() && !before.isEmpty()) {
            log.info("Stream threads poll again; liveness CORRECT");
            AvailabilityChangeEvent.publish(events, this, LivenessState.CORRECT);
        }
    }

    private boolean clusterAnswers() {
        try {
            admin.describeCluster().nodes().get(every.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The stuck threads found by the last check. */
    public List<Stuck> stuck() {
        return stuck;
    }

    @Override
    public void start() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) every.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) every.toMillis()));
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "stream-thread-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                check();
            } catch (RuntimeException e) {
                log.warn("Stream thread watchdog could not check", e);
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
            admin.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
