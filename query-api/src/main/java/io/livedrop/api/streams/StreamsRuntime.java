package io.livedrop.api.streams;

import io.livedrop.api.config.KafkaCluster;
import io.livedrop.api.config.LivedropProperties;
import io.livedrop.topology.LivedropTopology;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.StreamsSettings;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import io.livedrop.topology.provisioning.TopicProvisioner;
import io.livedrop.topology.social.SocialTopology;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.Topology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Runs livedrop's two Kafka Streams applications inside the application: the orders topology
 * (catalog, drop ledger, user-order index) and the social topology (follows, follower counts, push
 * fan-out) under {@code <application id>-social}, so that each has its own threads and a fan-out
 * to millions of followers never holds up an order decision. On start it provisions the topics
 * (creating what is missing, refusing to run on drift), starts both with exactly-once v2 and waits
 * until they are RUNNING; on stop it closes them cleanly, before the embedded broker stops.
 *
 * <p>Restarts (ADR 0011). It runs in {@link #PHASE}: it starts after the web server (it advertises the peer
 * listener's port, known only then) and stops after the web server's graceful shutdown has let in-flight
 * requests finish, so that none of them loses its stores; then it closes both applications leaving their
 * groups, before the producer and the embedded broker close (bean destruction, after every lifecycle). Each
 * instance is a static group member ({@code group.instance.id} kept in {@code livedrop.home}), so that an
 * instance killed and started again on the same home takes its place back at once instead of waiting for
 * the old member's session to time out. Known gap: a home that is not kept across restarts (no volume) gets
 * a new id each time, and a kill -9 then waits for the session timeout as a dynamic member would.
 */
public final class StreamsRuntime implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StreamsRuntime.class);

    /**
     * Between the web server's start ({@code START_STOP_LIFECYCLE_PHASE}) and its graceful shutdown
     * ({@code GRACEFUL_SHUTDOWN_PHASE}): started after the first, stopped after the second.
     */
    public static final int PHASE = WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE - 512;
    static final String INSTANCE_ID_FILE = "instance-id";

    private final LivedropProperties properties;
    private final KafkaCluster cluster;
    private final LivedropConfig config;
    private final Topics topics;
    private final TopologySerdes serdes;
    private final IntSupplier serverPort;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private volatile KafkaStreams orders;
    private volatile KafkaStreams social;
    private final Set<KafkaStreams> haveRun = ConcurrentHashMap.newKeySet();

    public StreamsRuntime(LivedropProperties properties, KafkaCluster cluster, LivedropConfig config,
                          TopologySerdes serdes, IntSupplier serverPort,
                          ApplicationEventPublisher events, MeterRegistry meters) {
        this.properties = properties;
        this.cluster = cluster;
        this.config = config;
        this.topics = Topics.from(config);
        this.serdes = serdes;
        this.serverPort = serverPort;
        this.events = events;
        this.meters = meters;
    }

    @Override
    public void start() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            new TopicProvisioner(admin, properties.kafka().startupTimeout()).provision(topics);
        }
        haveRun.clear();
        CountDownLatch running = new CountDownLatch(2);
        orders = create("orders", LivedropTopology.build(config, serdes), properties.applicationId(), running);
        social = create("social", SocialTopology.build(config, serdes),
                SocialTopology.applicationId(properties.applicationId()), running);
        // Side by side: start() opens the stores on disk and restores the global stores before it returns
        // (seconds after a kill -9, when exactly-once has wiped them), and the two applications share nothing.
        CompletableFuture<Void> socialStarted = CompletableFuture.runAsync(social::start,
                task -> new Thread(task, "livedrop-social-start").start());
        orders.start();
        try {
            socialStarted.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        awaitRunning(running, properties.kafka().startupTimeout());
    }

    private KafkaStreams create(String name, Topology topology, String applicationId, CountDownLatch running) {
        KafkaStreams created = new KafkaStreams(topology, streamsProperties(applicationId));
        created.setUncaughtExceptionHandler(e -> {
            log.error("Stream thread of the {} application failed; replacing it", name, e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        created.setStateListener((now, before) -> {
            log.info("Kafka Streams ({}) {} -> {}", name, before, now);
            if (now == KafkaStreams.State.RUNNING && haveRun.add(created)) {
                running.countDown();
            }
            publishAvailability();
        });
        if (meters != null) {
            new KafkaStreamsMetrics(created).bindTo(meters);
            RestoreProgress restore = new RestoreProgress(name, meters);
            created.setGlobalStateRestoreListener(restore);
            created.setStandbyUpdateListener(restore);
        }
        return created;
    }

    private void awaitRunning(CountDownLatch running, Duration timeout) {
        try {
            if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Kafka Streams not RUNNING after {} (orders {}, social {}); reads answer UNAVAILABLE until it is",
                        timeout, orders.state(), social.state());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ready once both applications have run (restored their state) for the first time, and from
     * then on while they run or rebalance (a rebalance is routine; reads answer from standbys or say
     * UNAVAILABLE); broken (restart me) once either has failed for good.
     */
    private void publishAvailability() {
        KafkaStreams o = orders;
        KafkaStreams s = social;
        if (o == null || s == null) {
            return;
        }
        boolean ready = haveRun.contains(o) && haveRun.contains(s)
                && o.state().isRunningOrRebalancing() && s.state().isRunningOrRebalancing();
        AvailabilityChangeEvent.publish(events, this, ready ? ReadinessState.ACCEPTING_TRAFFIC : ReadinessState.REFUSING_TRAFFIC);
        if (o.state() == KafkaStreams.State.ERROR || s.state() == KafkaStreams.State.ERROR) {
            AvailabilityChangeEvent.publish(events, this, LivenessState.BROKEN);
        }
    }

    /** livedrop's Streams settings, this instance's address for query routing, then livedrop.streams.* overrides. */
    Properties streamsProperties(String applicationId) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put(StreamsConfig.APPLICATION_SERVER_CONFIG, properties.advertisedHost() + ":" + serverPort.getAsInt());
        // static membership: Kafka Streams appends each stream thread's index
        overrides.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                applicationId + "-" + instanceId());
        overrides.putAll(properties.streams());
        return StreamsSettings.of(config, applicationId, cluster.bootstrapServers(),
                properties.stateDirectory(), overrides);
    }

    /** This home's member id in the consumer groups: made on the first start, the same on every restart. */
    private String instanceId() {
        Path file = properties.home().resolve(INSTANCE_ID_FILE);
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file).strip();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            String id = UUID.randomUUID().toString();
            Files.createDirectories(file.getParent());
            Files.writeString(file, id + System.lineSeparator());
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or write this instance's id in " + file, e);
        }
    }

    /** The running orders application (catalog, ledger, user orders). */
    public KafkaStreams streams() {
        return started(orders);
    }

    /** The running social application (follows, follower counts, push fan-out, inbox). */
    public KafkaStreams social() {
        return started(social);
    }

    /** The application that owns {@code store}, for interactive queries. */
    public KafkaStreams streamsFor(String store) {
        return SocialTopology.STORES.contains(store) ? social() : streams();
    }

    /** The started applications by name ("orders", "social"); empty before start. */
    public Map<String, KafkaStreams> applications() {
        Map<String, KafkaStreams> started = new LinkedHashMap<>();
        if (orders != null) {
            started.put("orders", orders);
        }
        if (social != null) {
            started.put("social", social);
        }
        return started;
    }

    /** Both applications, orders first. */
    public List<KafkaStreams> all() {
        return List.of(streams(), social());
    }

    private static KafkaStreams started(KafkaStreams current) {
        if (current == null) {
            throw new IllegalStateException("Kafka Streams is not started");
        }
        return current;
    }

    public Topics topics() {
        return topics;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public void stop() {
        // Leave the group: the partitions move at once instead of after the session timeout, and a
        // restarted instance joins an empty group. Kafka Streams 4.4 hands LEAVE_GROUP to each stream
        // thread's consumer.close, which sends LeaveGroup for a static member too (KIP-1092).
        CloseOptions leave = CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30));
        for (KafkaStreams current : new KafkaStreams[] {social, orders}) {
            if (current != null) {
                log.info("Closing Kafka Streams ({})", current == social ? "social" : "orders");
                current.close(leave);
            }
        }
    }

    @Override
    public boolean isRunning() {
        KafkaStreams o = orders;
        KafkaStreams s = social;
        return o != null && s != null && o.state().isRunningOrRebalancing() && s.state().isRunningOrRebalancing();
    }
}
