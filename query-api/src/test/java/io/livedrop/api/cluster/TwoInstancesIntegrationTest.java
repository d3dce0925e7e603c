package io.livedrop.api.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.livedrop.api.LivedropApplication;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.api.edge.EdgeServer;
import io.livedrop.api.social.DropStartedFeed;
import io.livedrop.api.testing.GraphQlWsClient;
import io.livedrop.api.web.PeerListener;
import io.livedrop.api.security.TokenCommand;
import io.livedrop.events.drop.DropState;
import io.livedrop.events.drop.DropStatus;
import io.livedrop.kafka.embedded.EmbeddedKafkaBroker;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.order.UserOrderKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.graphql.ResponseError;
import org.springframework.graphql.client.ClientGraphQlResponse;
import org.springframework.graphql.client.HttpSyncGraphQlClient;
import org.springframework.web.client.RestClient;

/**
 * Two instances of the application on one real broker, as in production: the partitions of the
 * drop-keyed topics (and of the per-user order index) are spread over both, and every read of a
 * key is routed to the instance that serves it, one hop away. A client may talk to either
 * instance and sees the same data; when one instance goes away, the other answers for its drops
 * within seconds, and in between a read fails with the retryable UNAVAILABLE, never with "no data".
 *
 * <p>The instances are plain {@link SpringApplicationBuilder} runs (no test context), each with its
 * own state under target/; the broker is started by the test and closed after both applications.
 * The tests run in order: the last one closes instance B.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesIntegrationTest {

    /**
     * Partitions of the drop-keyed topics. Routing works alike for any count of 2 or more; 4 instead of the
     * default 12 means 12 tasks instead of 36 (plus as many standbys) to assign, restore and commit, which keeps
     * start-up and fail-over of two instances on a small shared machine within seconds.
     */
    private static final int PARTITIONS = 4;
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(15);
    private static final String DROP_QUERY =
            "query($id: ID!) { drop(id: $id) { id remainingStock status product { name } } }";
    private static final String PLACE_ORDER = """
            mutation($input: PlaceOrderInput!) {
              placeOrder(input: $input) { order { id status rejectReason quantity drop { id } } } }""";

    private static Path root;
    private static EmbeddedKafkaBroker broker;
    private static Instance a;
    private static Instance b;

    /** One running application: its context, its address for query routing, and its Kafka Streams. */
    private record Instance(String name, ConfigurableApplicationContext context, HostInfo host, int port) {

        KafkaStreams streams() {
            return context.getBean(StreamsRuntime.class).streams();
        }

        StreamsRuntime runtime() {
            return context.getBean(StreamsRuntime.class);
        }

        String graphQlUrl() {
            return "http://" + host.host() + ":" + port + "/graphql";
        }
    }

    @BeforeAll
    static void startBrokerAndTwoInstances() throws IOException {
        root = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "two-instances-");
        broker = EmbeddedKafkaBroker.builder().dataDirectory(root.resolve("kafka")).port(0).build().start();
        long started = System.nanoTime();
        // One after the other: A writes the demo catalog while it is alone. (Started together, A's Startup
        // waits 30 s for demo drops in its local drop-state store, where those on B's partitions never appear.)
        a = start("a", true);
        b = start("b", false);
        awaitBothRunningWithPartitionsSpread();
        System.out.printf("TwoInstancesIntegrationTest: both instances up and spread in %d ms (A %s, B %s)%n",
                (System.nanoTime() - started) / 1_000_000, a.host(), b.host());
    }

    @AfterAll
    static void closeInstancesThenBroker() throws IOException {
        // Applications first: Kafka Streams leaves the group cleanly while the broker is still there
        for (Instance instance : new Instance[] {b, a}) {
            if (instance != null && instance.context().isActive()) {
                instance.context().close();
            }
        }
        if (broker != null) {
            broker.close();
        }
        if (root != null) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static Instance start(String name, boolean demoData) throws IOException {
        Path home = Files.createDirectories(root.resolve(name));
        // Command-line arguments: they win over application.yaml (server.port 8080, livedrop.home ./.livedrop)
        ConfigurableApplicationContext context = new SpringApplicationBuilder(LivedropApplication.class).run(
                "--server.port=0",
                "--livedrop.edge.port=0",
                "--livedrop.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "--livedrop.home=" + home.toAbsolutePath(),
                "--livedrop.security.jwt-secret=" + TokenCommand.LOCAL_SECRET,
                "--livedrop.demo-data=" + demoData,
                "--livedrop.topology.topics.partitions=" + PARTITIONS,
                "--spring.main.banner-mode=off");
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        // host: the peer listener, as Kafka Streams advertises it (ADR 0010); port: the public one
        return new Instance(name, context, new HostInfo("127.0.0.1", context.getBean(PeerListener.class).port()), port);
    }

    /** Both RUNNING, both agreeing that each one is the active owner of some drop partitions, all of them covered. */
    private static void awaitBothRunningWithPartitionsSpread() {
        String drops = a.runtime().topics().drops().name();
        int partitions = a.runtime().topics().drops().partitions();
        assertThat(partitions).isEqualTo(PARTITIONS);
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            for (Instance instance : List.of(a, b)) {
                assertThat(instance.streams().state()).as(instance.name()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(instance.runtime().social().state()).as(instance.name() + " social").isEqualTo(KafkaStreams.State.RUNNING);
                Map<HostInfo, Set<Integer>> owned = activeDropPartitions(instance, drops);
                assertThat(owned.keySet()).as("owners seen by " + instance.name()).containsExactlyInAnyOrder(a.host(), b.host());
                assertThat(owned.values()).as("partitions spread, seen by " + instance.name()).allSatisfy(p -> assertThat(p).isNotEmpty());
                assertThat(owned.values().stream().mapToInt(Set::size).sum()).isEqualTo(partitions);
            }
            assertThat(activeDropPartitions(a, drops)).isEqualTo(activeDropPartitions(b, drops));
        });
        Map<HostInfo, Set<Integer>> owned = activeDropPartitions(a, drops);
        System.out.printf("TwoInstancesIntegrationTest: %s partitions on A %s, on B %s%n", drops,
                owned.get(a.host()), owned.get(b.host()));
    }

    private static Map<HostInfo, Set<Integer>> activeDropPartitions(Instance instance, String topic) {
        Map<HostInfo, Set<Integer>> owned = new LinkedHashMap<>();
        Collection<StreamsMetadata> metadata = instance.streams().streamsMetadataForStore(Stores.DROP_STATE);
        for (StreamsMetadata m : metadata) {
            Set<Integer> partitions = new HashSet<>();
            m.topicPartitions().stream().filter(tp -> tp.topic().equals(topic)).forEach(tp -> partitions.add(tp.partition()));
            owned.put(m.hostInfo(), partitions);
        }
        return owned;
    }

    // ------------------------------------------------------------------ (a) a routed read

    @Test
    @Order(1)
    void shouldReadADropOwnedByTheOtherInstance() {
        // Given a live drop whose drop-state partition is served by B
        String creator = "c-" + shortId();
        String productId = createProduct(a, creator, "Hop hoodie");
        String dropId = scheduleDropOwnedBy(b, creator, productId, 7);
        KeyQueryMetadata owner = dropOwner(a, dropId);
        assertThat(owner.activeHost()).isEqualTo(b.host()).isNotEqualTo(a.host());

        // (A holds no active copy of that partition: it cannot answer from its own store)
        assertThatThrownBy(() -> activeStore(a, owner.partition()).get(dropId)).isInstanceOf(InvalidStateStoreException.class);
        assertThat(activeStore(b, owner.partition()).get(dropId)).isNotNull();

        // When a client reads it through A
        ClientGraphQlResponse response = graphQl(a, null, DROP_QUERY, Map.of("id", dropId));

        // Then A answers with B's data
        assertThat(response.getErrors()).isEmpty();
        assertThat(response.field("drop.id").toEntity(String.class)).isEqualTo(dropId);
        assertThat(response.field("drop.remainingStock").toEntity(Integer.class)).isEqualTo(7);
        assertThat(response.field("drop.status").toEntity(String.class)).isEqualTo("LIVE");
        assertThat(response.field("drop.product.name").toEntity(String.class)).isEqualTo("Hop hoodie");
        // And B answers the same
        ClientGraphQlResponse fromB = graphQl(b, null, DROP_QUERY, Map.of("id", dropId));
        assertThat((Object) fromB.field("drop").getValue()).isEqualTo(response.field("drop").getValue());
        // And an unknown drop is null through either instance (a clean "no such key" from its owner)
        for (Instance instance : List.of(a, b)) {
            ClientGraphQlResponse unknown = graphQl(instance, null, DROP_QUERY, Map.of("id", "d-none-" + shortId()));
            assertThat(unknown.getErrors()).isEmpty();
            assertThat((Object) unknown.field("drop").getValue()).isNull();
        }
    }

    // ------------------------------------------------------------------ notifications across instances

    @Test
    @Order(4)
    void shouldTellASubscriberOnAOfADropStartOwnedByB() {
        // Given a fan who follows a creator through B, and is subscribed to dropStarted on A's edge (a shared render on A
        // of a drop whose store B owns)
        String creator = "c-" + shortId();
        String productId = createProduct(a, creator, "Far tee");
        String fan = "fan-" + shortId();
        String dropId;
        ClientGraphQlResponse followed = graphQl(b, Tokens.user(fan),
                "mutation($id: ID!) { follow(creatorId: $id) { creator { viewerFollows } } }", Map.of("id", creator));
        assertThat(followed.getErrors()).isEmpty();
        assertThat(followed.field("follow.creator.viewerFollows").toEntity(Boolean.class)).isTrue();
        try (GraphQlWsClient socket = GraphQlWsClient.connect(
                java.net.URI.create("ws://" + a.host().host() + ":" + a.context().getBean(EdgeServer.class).port()
                        + "/graphql"))) {
            socket.initAndAwaitAck(Tokens.user(fan), WAIT);
            socket.subscribe("started", "subscription { dropStarted { drop { id creator { id } } } }", Map.of());
            await().atMost(WAIT).until(() -> a.context().getBean(DropStartedFeed.class).listening(fan));

            // When the creator's drop starts in a partition B serves
            dropId = scheduleDropOwnedBy(b, creator, productId, 3);

            // Then A tells the subscriber (of this drop, and of the attempts that landed on A before it)
            List<Object> told = new ArrayList<>();
            while (!told.contains(dropId)) {
                Map<String, Object> message = socket.next(WAIT);
                assertThat(message).containsEntry("type", "next");
                Map<?, ?> started = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) message.get("payload")).get("data")).get("dropStarted");
                Map<?, ?> drop = (Map<?, ?>) started.get("drop");
                assertThat(((Map<?, ?>) drop.get("creator")).get("id")).isEqualTo(creator);
                told.add(drop.get("id"));
            }
        }
        // And the fan's inbox has it through either instance (once the broadcast start is committed: milliseconds)
        for (Instance instance : List.of(a, b)) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                ClientGraphQlResponse inbox = graphQl(instance, Tokens.user(fan),
                        "{ me { notifications { edges { node { drop { id } } } } } }", Map.of());
                assertThat(inbox.getErrors()).isEmpty();
                assertThat(inbox.field("me.notifications.edges[0].node.drop.id").toEntity(String.class)).isEqualTo(dropId);
            });
        }
    }

    // ------------------------------------------------------------------ (b) orders across instances

    @Test
    @Order(2)
    void shouldConfirmAnOrderPlacedOnAForADropOnBAndFindItThroughBoth() {
        // Given a drop served by B, and two users: one whose order index lives on A, one on B
        String creator = "c-" + shortId();
        String dropId = scheduleDropOwnedBy(b, creator, createProduct(a, creator, "Cross tee"), 10);
        for (Instance indexHost : List.of(a, b)) {
            String user = userWhoseOrdersLiveOn(indexHost);
            String token = Tokens.user(user);

            // When the user orders through A
            Map<String, Object> order = placeOrder(a, token, dropId, 2, "cross-1");

            // Then B's task decides it and A answers CONFIRMED
            assertThat(order).as("order of a user indexed on " + indexHost.name())
                    .containsEntry("status", "CONFIRMED").containsEntry("quantity", 2);
            String orderId = (String) order.get("id");

            // And order(id) and myOrders find it through both instances
            for (Instance reader : List.of(a, b)) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                    ClientGraphQlResponse found = graphQl(reader, token,
                            "query($id: ID!) { order(id: $id) { id status quantity drop { id remainingStock } } }",
                            Map.of("id", orderId));
                    assertThat(found.getErrors()).as("through " + reader.name()).isEmpty();
                    assertThat(found.field("order.id").toEntity(String.class)).isEqualTo(orderId);
                    assertThat(found.field("order.status").toEntity(String.class)).isEqualTo("CONFIRMED");
                    assertThat(found.field("order.drop.id").toEntity(String.class)).isEqualTo(dropId);
                });
                ClientGraphQlResponse mine = graphQl(reader, token, "{ myOrders { edges { node { id status } } } }", Map.of());
                assertThat(mine.getErrors()).isEmpty();
                assertThat(mine.field("myOrders.edges").toEntityList(Map.class)).singleElement()
                        .satisfies(edge -> assertThat(((Map<?, ?>) edge.get("node")).get("id")).isEqualTo(orderId));
            }
            // And another user's token does not see it on either instance
            for (Instance reader : List.of(a, b)) {
                ClientGraphQlResponse stranger = graphQl(reader, Tokens.user("u-" + shortId()),
                        "query($id: ID!) { order(id: $id) { id } }", Map.of("id", orderId));
                assertThat(stranger.getErrors()).isEmpty();
                assertThat((Object) stranger.field("order").getValue()).isNull();
            }
        }
        // And the stock fell by both orders, seen through either instance
        for (Instance reader : List.of(a, b)) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(graphQl(reader, null, DROP_QUERY, Map.of("id", dropId))
                    .field("drop.remainingStock").toEntity(Integer.class)).isEqualTo(6));
        }
    }

    // ------------------------------------------------------------------ (c) lists gathered from both

    @Test
    @Order(3)
    void shouldPageLiveDropsOfBothInstancesThroughOneExactlyOnce() {
        // Given live drops on both instances' partitions
        String creator = "c-" + shortId();
        String productId = createProduct(a, creator, "Paged print");
        scheduleDropOwnedBy(a, creator, productId, 3);
        scheduleDropOwnedBy(b, creator, productId, 3);
        Set<String> onA = liveDropsServedBy(a);
        Set<String> onB = liveDropsServedBy(b);
        assertThat(onA).isNotEmpty().doesNotContainAnyElementsOf(onB);
        assertThat(onB).isNotEmpty();
        Set<String> expected = new HashSet<>(onA);
        expected.addAll(onB);
        assertThat(expected).contains("drop-hoodie-live", "drop-print-live").doesNotContain("drop-vinyl-soon");

        // When a client pages through A one drop at a time
        List<String> paged = new ArrayList<>();
        String after = null;
        boolean hasNext = true;
        while (hasNext) {
            Map<String, Object> variables = new LinkedHashMap<>();
            variables.put("after", after);
            ClientGraphQlResponse page = graphQl(a, null, """
                    query($after: String) { liveDrops(first: 1, after: $after) {
                      edges { cursor node { id status } } pageInfo { hasNextPage endCursor } } }""", variables);
            assertThat(page.getErrors()).isEmpty();
            List<Map> edges = page.field("liveDrops.edges").toEntityList(Map.class);
            assertThat(edges).hasSize(1);
            Map<?, ?> node = (Map<?, ?>) edges.get(0).get("node");
            assertThat(node.get("status")).isEqualTo("LIVE");
            paged.add((String) node.get("id"));
            hasNext = page.field("liveDrops.pageInfo.hasNextPage").toEntity(Boolean.class);
            after = page.field("liveDrops.pageInfo.endCursor").toEntity(String.class);
            assertThat(paged).as("paging ends").hasSizeLessThanOrEqualTo(expected.size());
        }

        // Then every live drop of both instances comes exactly once
        assertThat(paged).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        // And through B the same list in the same order
        ClientGraphQlResponse all = graphQl(b, null, "{ liveDrops(first: 100) { edges { node { id } } } }", Map.of());
        assertThat(all.field("liveDrops.edges").toEntityList(Map.class))
                .extracting(edge -> (String) ((Map<?, ?>) edge.get("node")).get("id")).containsExactlyElementsOf(paged);
    }

    @Test
    @Order(3)
    void shouldPageACreatorsDropsOfBothInstancesThroughEitherExactlyOnce() {
        // Given a creator with drops on both instances' partitions (their index entries live there too)
        String creator = "c-" + shortId();
        String productId = createProduct(a, creator, "Indexed print");
        scheduleDropOwnedBy(a, creator, productId, 1);
        scheduleDropOwnedBy(b, creator, productId, 1);
        Set<String> onA = dropsOfCreatorServedBy(a, creator);
        Set<String> onB = dropsOfCreatorServedBy(b, creator);
        assertThat(onA).isNotEmpty().doesNotContainAnyElementsOf(onB);
        assertThat(onB).isNotEmpty();
        Set<String> expected = new HashSet<>(onA);
        expected.addAll(onB);

        // When a client pages the creator's drops through A one at a time
        List<String> paged = new ArrayList<>();
        String after = null;
        boolean hasNext = true;
        while (hasNext) {
            Map<String, Object> variables = new LinkedHashMap<>();
            variables.put("id", creator);
            variables.put("after", after);
            ClientGraphQlResponse page = graphQl(a, null, """
                    query($id: ID!, $after: String) { creator(id: $id) { drops(first: 1, after: $after) {
                      edges { node { id } } pageInfo { hasNextPage endCursor } } } }""", variables);
            assertThat(page.getErrors()).isEmpty();
            paged.add(page.field("creator.drops.edges[0].node.id").toEntity(String.class));
            hasNext = page.field("creator.drops.pageInfo.hasNextPage").toEntity(Boolean.class);
            after = page.field("creator.drops.pageInfo.endCursor").toEntity(String.class);
            assertThat(paged).as("paging ends").hasSizeLessThanOrEqualTo(expected.size());
        }

        // Then every drop of both instances comes exactly once, and B lists them in the same order
        assertThat(paged).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        ClientGraphQlResponse all = graphQl(b, null, "query($id: ID!) { creator(id: $id) { drops(first: 100) { edges { node { id } } } } }",
                Map.of("id", creator));
        assertThat(all.field("creator.drops.edges").toEntityList(Map.class))
                .extracting(edge -> (String) ((Map<?, ?>) edge.get("node")).get("id")).containsExactlyElementsOf(paged);
    }

    // ------------------------------------------------------------------ (d) one instance goes away

    @Test
    @Order(5)
    void shouldServeTheDropsOfAClosedInstanceWithinSeconds() throws Exception {
        // Given a drop served by B, with an order on it, read through A
        String creator = "c-" + shortId();
        String dropId = scheduleDropOwnedBy(b, creator, createProduct(a, creator, "Failover cap"), 9);
        assertThat(placeOrder(a, Tokens.user("u-" + shortId()), dropId, 2, "before")).containsEntry("status", "CONFIRMED");
        await().atMost(WAIT).until(() -> isCorrect(graphQl(a, null, DROP_QUERY, Map.of("id", dropId)), dropId, 7));
        int partition = dropOwner(a, dropId).partition();

        // And a client reading it through A all the time
        List<Sample> samples = new CopyOnWriteArrayList<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        ExecutorService reader = Executors.newSingleThreadExecutor();
        long t0 = System.nanoTime();
        Future<?> readLoop = reader.submit(() -> {
            while (reading.get()) {
                long at = System.nanoTime();
                samples.add(classify(at - t0, dropId, 7, () -> graphQl(a, null, DROP_QUERY, Map.of("id", dropId))));
                sleep(50);
            }
        });

        // When B closes
        sleep(200);
        long closing = System.nanoTime();
        b.context().close();
        long closed = System.nanoTime();

        // Then A becomes the active owner of B's partitions and answers for the drop
        long[] ownedAt = {-1};
        await().atMost(RECOVERY_LIMIT.minusNanos(System.nanoTime() - closing)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    KeyQueryMetadata owner = dropOwner(a, dropId);
                    assertThat(owner.activeHost()).isEqualTo(a.host());
                    if (ownedAt[0] < 0) {
                        ownedAt[0] = System.nanoTime();
                    }
                    assertThat(samples).anySatisfy(s -> assertThat(s.atNanos() + t0).isGreaterThan(ownedAt[0]));
                });
        sleep(500);   // a few more reads after the fail-over
        reading.set(false);
        readLoop.get(10, TimeUnit.SECONDS);
        reader.shutdown();

        // And every answer in between was either right or UNAVAILABLE, never empty or wrong
        List<Sample> wrong = samples.stream().filter(s -> s.outcome() == Outcome.WRONG).toList();
        assertThat(wrong).as("answers that were neither right nor UNAVAILABLE").isEmpty();
        List<Sample> afterClose = samples.stream().filter(s -> s.atNanos() + t0 >= closing).toList();
        assertThat(afterClose).as("reads while and after B closed").hasSizeGreaterThan(3);
        Sample last = samples.get(samples.size() - 1);
        assertThat(last.outcome()).as("the last read, after the fail-over").isEqualTo(Outcome.OK);

        long lastFailure = samples.stream().filter(s -> s.outcome() != Outcome.OK).mapToLong(Sample::atNanos).max().orElse(-1);
        long recoveredAt = samples.stream().filter(s -> s.atNanos() > lastFailure && s.atNanos() + t0 >= closing)
                .mapToLong(Sample::atNanos).min().orElseThrow();
        double recoverySeconds = Math.max(0, recoveredAt + t0 - closing) / 1e9;
        double failoverSeconds = (ownedAt[0] - closing) / 1e9;
        long unavailable = samples.stream().filter(s -> s.outcome() == Outcome.UNAVAILABLE).count();
        System.out.printf("TwoInstancesIntegrationTest: B closed in %.2f s; reads of B's drop through A recovered "
                        + "%.2f s after the close began (A active owner of partition %d after %.2f s); %d reads, "
                        + "%d UNAVAILABLE, %d wrong%n", (closed - closing) / 1e9, recoverySeconds, partition, failoverSeconds,
                samples.size(), unavailable, wrong.size());
        assertThat(recoverySeconds).isLessThan(RECOVERY_LIMIT.toSeconds());
        assertThat(failoverSeconds).isLessThan(RECOVERY_LIMIT.toSeconds());

        // And orders on that drop are decided again, now by A (retries with the same key are safe)
        String token = Tokens.user("u-" + shortId());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(placeOrder(a, token, dropId, 1, "after")).containsEntry("status", "CONFIRMED"));
        await().atMost(WAIT).until(() -> isCorrect(graphQl(a, null, DROP_QUERY, Map.of("id", dropId)), dropId, 6));
    }

    // ------------------------------------------------------------------ reads, classified

    private enum Outcome { OK, UNAVAILABLE, WRONG }

    private record Sample(long atNanos, Outcome outcome, String detail) {
    }

    private static Sample classify(long at, String dropId, int stock, java.util.function.Supplier<ClientGraphQlResponse> read) {
        try {
            ClientGraphQlResponse response = read.get();
            if (isCorrect(response, dropId, stock)) {
                return new Sample(at, Outcome.OK, null);
            }
            List<ResponseError> errors = response.getErrors();
            if (!errors.isEmpty() && errors.stream().allMatch(e -> "UNAVAILABLE".equals(e.getExtensions().get("code")))
                    && response.field("drop").getValue() == null) {
                return new Sample(at, Outcome.UNAVAILABLE, errors.get(0).getMessage());
            }
            return new Sample(at, Outcome.WRONG, response.toMap().toString());
        } catch (RuntimeException e) {
            return new Sample(at, Outcome.WRONG, e.toString());
        }
    }

    private static boolean isCorrect(ClientGraphQlResponse response, String dropId, int stock) {
        if (!response.getErrors().isEmpty() || response.field("drop").getValue() == null) {
            return false;
        }
        return dropId.equals(response.field("drop.id").getValue())
                && Integer.valueOf(stock).equals(response.field("drop.remainingStock").getValue())
                && "LIVE".equals(response.field("drop.status").getValue())
                && response.field("drop.product.name").getValue() != null;
    }

    // ------------------------------------------------------------------ helpers

    /** Tokens for the instances' secret (the local one, set explicitly here). */
    private static final class Tokens {
        static String user(String id) {
            return TokenCommand.mint(id, List.of(), Duration.ofHours(1), TokenCommand.LOCAL_SECRET, java.time.Instant.now());
        }

        static String creator(String id) {
            return TokenCommand.mint(id, List.of("CREATOR"), Duration.ofHours(1), TokenCommand.LOCAL_SECRET,
                    java.time.Instant.now());
        }
    }

    private static KeyQueryMetadata dropOwner(Instance instance, String dropId) {
        return instance.streams().queryMetadataForKey(Stores.DROP_STATE, dropId, Serdes.String().serializer());
    }

    private static ReadOnlyKeyValueStore<String, DropState> activeStore(Instance instance, int partition) {
        return instance.streams().store(StoreQueryParameters.fromNameAndType(Stores.DROP_STATE,
                QueryableStoreTypes.<String, DropState>keyValueStore()).withPartition(partition));
    }

    /** The LIVE drops in the active drop-state partitions of {@code instance}, read from its own store. */
    private static Set<String> liveDropsServedBy(Instance instance) {
        Set<String> live = new HashSet<>();
        ReadOnlyKeyValueStore<String, DropState> store = instance.streams().store(StoreQueryParameters.fromNameAndType(
                Stores.DROP_STATE, QueryableStoreTypes.<String, DropState>keyValueStore()));
        try (KeyValueIterator<String, DropState> all = store.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value.getStatus() == DropStatus.LIVE) {
                    live.add(kv.key);
                }
            });
        }
        return live;
    }

    /** The drops of {@code creator} in the active drop-state partitions of {@code instance}, read from its own store. */
    private static Set<String> dropsOfCreatorServedBy(Instance instance, String creator) {
        Set<String> drops = new HashSet<>();
        ReadOnlyKeyValueStore<String, DropState> store = instance.streams().store(StoreQueryParameters.fromNameAndType(
                Stores.DROP_STATE, QueryableStoreTypes.<String, DropState>keyValueStore()));
        try (KeyValueIterator<String, DropState> all = store.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value.getDefinition().getCreatorId().equals(creator)) {
                    drops.add(kv.key);
                }
            });
        }
        return drops;
    }

    /** A user id whose order index partition is served by {@code instance}. */
    private static String userWhoseOrdersLiveOn(Instance instance) {
        for (int i = 0; i < 200; i++) {
            String user = "u-" + shortId();
            KeyQueryMetadata owner = instance.streams().queryMetadataForKey(Stores.USER_ORDERS,
                    UserOrderKeys.key(user, "any"), UserOrderKeys.<Object>partitioner());
            if (owner.activeHost().equals(instance.host())) {
                return user;
            }
        }
        throw new AssertionError("no user id indexed on " + instance.name());
    }

    private String createProduct(Instance through, String creator, String name) {
        ClientGraphQlResponse response = graphQl(through, Tokens.creator(creator),
                "mutation($input: ProductInput!) { upsertProduct(input: $input) { id } }", Map.of("input", Map.of("name", name)));
        assertThat(response.getErrors()).isEmpty();
        return response.field("upsertProduct.id").toEntity(String.class);
    }

    /** Schedules drops through A (startsAt now) until one lands in a partition {@code owner} serves; waits until it is LIVE. */
    private String scheduleDropOwnedBy(Instance owner, String creator, String productId, int stock) {
        for (int attempt = 0; attempt < 30; attempt++) {
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("productId", productId);
            input.put("stock", stock);
            input.put("priceCents", 1_500);
            input.put("startsAt", null);
            ClientGraphQlResponse response = graphQl(a, Tokens.creator(creator),
                    "mutation($input: ScheduleDropInput!) { scheduleDrop(input: $input) { id } }", Map.of("input", input));
            assertThat(response.getErrors()).isEmpty();
            String dropId = response.field("scheduleDrop.id").toEntity(String.class);
            if (dropOwner(a, dropId).activeHost().equals(owner.host())) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() ->
                        "LIVE".equals(graphQl(a, null, DROP_QUERY, Map.of("id", dropId)).field("drop.status").getValue()));
                return dropId;
            }
        }
        throw new AssertionError("no drop landed on " + owner.name() + " in 30 attempts");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> placeOrder(Instance through, String token, String dropId, int quantity, String key) {
        ClientGraphQlResponse response = graphQl(through, token, PLACE_ORDER,
                Map.of("input", Map.of("dropId", dropId, "quantity", quantity, "idempotencyKey", key)));
        assertThat(response.getErrors()).isEmpty();
        return response.field("placeOrder.order").toEntity(Map.class);
    }

    private static ClientGraphQlResponse graphQl(Instance instance, String token, String document, Map<String, Object> variables) {
        HttpSyncGraphQlClient.Builder<?> builder = HttpSyncGraphQlClient.builder(RestClient.create(instance.graphQlUrl()));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder.build().document(document).variables(variables).executeSync();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
