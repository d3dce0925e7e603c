package io.livedrop.api.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.catalog.DropUpdatesFeed;
import io.livedrop.api.catalog.DropView;
import io.livedrop.api.social.DropStartedFeed;
import io.livedrop.api.testing.ApiIntegrationTest;
import io.livedrop.api.testing.GraphQlHttp;
import io.livedrop.api.testing.GraphQlWsClient;
import io.livedrop.api.testing.Tokens;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.graphql.execution.GraphQlSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * A shared render on the running application gives the payload the per-session path (Tomcat's
 * {@code /graphql} WebSocket) sends the same viewer for the same event, for the web page's
 * documents and the benchmark's; what one viewer follows never reaches another: the render knows
 * only its facts, a follower's render says true where a non-follower's says false, and documents
 * that differ in {@code viewerFollows} are rendered apart. Also logs the CPU of one render of the
 * page's dropStarted document (a figure for the report, not asserted).
 */
@SuppressWarnings("unchecked")
class LocalRendererIntegrationTest extends ApiIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(LocalRendererIntegrationTest.class);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** livedrop.js: DROP, and its dropStarted and dropUpdates documents. */
    static final String DROP = """
            id status startsAt initialStock remainingStock priceCents currency
              product { id name } creator { id name viewerFollows }""";
    static final String PAGE_STARTED = "subscription { dropStarted { startedAt drop { " + DROP + " } } }";
    static final String PAGE_UPDATES = "subscription($id: ID!) { dropUpdates(dropId: $id) { at drop { " + DROP + " } } }";
    /** bench/notify's document. */
    static final String BENCH_STARTED = "subscription { dropStarted { drop { id } startedAt } }";

    @Autowired
    private LocalRenderer renderer;
    @Autowired
    private DocumentShapes shapes;
    @Autowired
    private GraphQlSource graphQlSource;
    @Autowired
    private DropStartedFeed startedFeed;
    @Autowired
    private CatalogQueryService catalog;

    @Test
    void shouldRenderADropStartAsTheTomcatPathSendsItToTheSameViewer() {
        // Given a creator, and two followers subscribed over Tomcat's WebSocket, one with the page's document, one with the benchmark's
        String creator = "c-" + shortId();
        String productId = createProduct(creator);
        String pageFan = "page-" + shortId();
        String benchFan = "bench-" + shortId();
        follow(pageFan, creator);
        follow(benchFan, creator);
        try (GraphQlWsClient pageSocket = subscribedToStarts(pageFan, PAGE_STARTED);
             GraphQlWsClient benchSocket = subscribedToStarts(benchFan, BENCH_STARTED)) {

            // When the creator's drop starts
            String dropId = startDrop(creator, productId, 10);
            Map<String, Object> pageSent = payload(pageSocket.next(WAIT));
            Map<String, Object> benchSent = payload(benchSocket.next(WAIT));

            // Then rendering that start once, with the facts every recipient shares, gives what each was sent
            Map<String, Object> started = (Map<String, Object>) ((Map<String, Object>) pageSent.get("data")).get("dropStarted");
            DropStartedFeed.DropStarted event = new DropStartedFeed.DropStarted(catalog.drop(dropId).orElseThrow(),
                    Instant.parse((String) started.get("startedAt")));
            ViewerFacts facts = ViewerFacts.following(creator, true);
            DocumentShape page = shape(PAGE_STARTED, Map.of());
            assertThat(page.shareable()).isTrue();
            assertThat(parse(renderer.render(page, event, facts))).isEqualTo(pageSent);
            assertThat(parse(renderer.render(shape(BENCH_STARTED, Map.of()), event, facts))).isEqualTo(benchSent);
            assertThat(pageSent.get("errors")).isNull();

            logCpuOfOneRender(page, event, facts);
        }
    }

    @Test
    void shouldRenderDropUpdatesPerFollowFactWithoutLeakingOneViewersFollowsToAnother() {
        // Given a live drop, a follower of its creator and a viewer who follows nobody, both watching it over Tomcat
        String creator = "c-" + shortId();
        String productId = createProduct(creator);
        String fan = "fan-" + shortId();
        String stranger = "stranger-" + shortId();
        follow(fan, creator);
        String dropId = startDrop(creator, productId, 10);
        Map<String, Object> variables = Map.of("id", dropId);
        try (GraphQlWsClient fanSocket = connected(fan); GraphQlWsClient strangerSocket = connected(stranger)) {
            fanSocket.subscribe("updates", PAGE_UPDATES, variables);
            strangerSocket.subscribe("updates", PAGE_UPDATES, variables);
            Map<String, Object> fanSent = payload(fanSocket.next(WAIT));
            Map<String, Object> strangerSent = payload(strangerSocket.next(WAIT));

            // When the drop as it is now is rendered once per follow fact
            DropView now = catalog.drop(dropId).orElseThrow();
            DropUpdatesFeed.DropUpdate event = new DropUpdatesFeed.DropUpdate(now, now.updatedAt());
            DocumentShape page = shape(PAGE_UPDATES, variables);
            Map<String, Object> forFollowers = parse(renderer.render(page, event, ViewerFacts.following(creator, true)));
            Map<String, Object> forOthers = parse(renderer.render(page, event, ViewerFacts.following(creator, false)));

            // Then each equals what the per-session path sent the viewer of that fact, and only the follower reads true
            assertThat(forFollowers).isEqualTo(fanSent);
            assertThat(forOthers).isEqualTo(strangerSent);
            assertThat(viewerFollows(forFollowers, "dropUpdates")).isTrue();
            assertThat(viewerFollows(forOthers, "dropUpdates")).isFalse();

            // And a document without viewerFollows is a shape of its own, whose render says nothing of follows
            DocumentShape withoutFollows = shape(PAGE_UPDATES.replace(" viewerFollows", ""), variables);
            assertThat(withoutFollows.key()).isNotEqualTo(page.key());
            assertThat(new String(renderer.render(withoutFollows, event, ViewerFacts.following(creator, true)).json()))
                    .doesNotContain("viewerFollows");
        }
    }

    @Test
    void shouldRefuseARenderThatAsksAboutTheViewerBeyondItsFacts() {
        String creator = "c-" + shortId();
        String dropId = startDrop(creator, createProduct(creator), 10);
        DropView now = catalog.drop(dropId).orElseThrow();
        DropUpdatesFeed.DropUpdate event = new DropUpdatesFeed.DropUpdate(now, now.updatedAt());
        DocumentShape page = shape(PAGE_UPDATES, Map.of("id", dropId));

        // facts about another creator: the render cannot say whether the viewer follows this one
        assertThatThrownBy(() -> renderer.render(page, event, ViewerFacts.following("c-other-" + shortId(), true)))
                .isInstanceOf(NotShareableException.class);
        // a shape that is not shareable is never rendered
        DocumentShape perSession = new DocumentShape(page.key(), page.document(), page.operationName(),
                page.variables(), false);
        assertThatThrownBy(() -> renderer.render(perSession, event, ViewerFacts.following(creator, true)))
                .isInstanceOf(NotShareableException.class);
    }

    // ------------------------------------------------------------------ the figure

    /**
     * CPU of one render (a new event each time, so the render cache never answers), logged for the report: the
     * rendering thread's, and the whole process's minus its idle rate (the broker and Streams run in this JVM).
     */
    private void logCpuOfOneRender(DocumentShape shape, DropStartedFeed.DropStarted event, ViewerFacts facts) {
        byte[] expected = renderer.render(shape, event, facts).json();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int i = 0; i < 2_000; i++) {   // warm-up
            renderer.render(shape, new DropStartedFeed.DropStarted(event.drop(), event.startedAt()), facts);
        }
        long idleWall0 = System.nanoTime();
        long idle0 = os.getProcessCpuTime();
        LockSupport.parkNanos(Duration.ofSeconds(3).toNanos());
        double idleRate = (double) (os.getProcessCpuTime() - idle0) / (System.nanoTime() - idleWall0);
        int renders = 5_000;
        long thread0 = threads.getCurrentThreadCpuTime();
        long process0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < renders; i++) {
            byte[] json = renderer.render(shape, new DropStartedFeed.DropStarted(event.drop(), event.startedAt()), facts).json();
            assertThat(json).isEqualTo(expected);
        }
        long wall = System.nanoTime() - wall0;
        long process = os.getProcessCpuTime() - process0;
        long thread = threads.getCurrentThreadCpuTime() - thread0;
        long encode0 = threads.getCurrentThreadCpuTime();
        Map<String, Object> decoded = parse(new SharedPayload(expected));
        JsonMapper mapper = JsonMapper.builder().build();
        for (int i = 0; i < renders; i++) {
            mapper.writeValueAsBytes(decoded);
        }
        long encode = threads.getCurrentThreadCpuTime() - encode0;
        log.info("One render of the page's dropStarted document ({} renders, {} bytes): {} us CPU of the rendering"
                        + " thread, {} us wall, {} us process CPU minus idle ({} cores idle); of which encoding ~{} us",
                renders, expected.length, perRender(thread, renders), perRender(wall, renders),
                perRender(process - (long) (idleRate * wall), renders), String.format("%.2f", idleRate),
                perRender(encode, renders));
    }

    private static String perRender(long nanos, int renders) {
        return String.format("%.1f", nanos / 1e3 / renders);
    }

    // ------------------------------------------------------------------ helpers

    private DocumentShape shape(String document, Map<String, Object> variables) {
        return CapturedShapes.of(graphQlSource.schema(), shapes, document, variables);
    }

    private static Map<String, Object> parse(SharedPayload payload) {
        return JSON.readValue(payload.json(), Map.class);
    }

    private static Boolean viewerFollows(Map<String, Object> payload, String field) {
        Map<String, Object> data = (Map<String, Object>) ((Map<String, Object>) payload.get("data")).get(field);
        return (Boolean) ((Map<String, Object>) ((Map<String, Object>) data.get("drop")).get("creator")).get("viewerFollows");
    }

    private static Map<String, Object> payload(Map<String, Object> message) {
        assertThat(message).containsEntry("type", "next");
        return (Map<String, Object>) message.get("payload");
    }

    private GraphQlWsClient connected(String user) {
        return connected("tomcat", user);
    }

    private GraphQlWsClient subscribedToStarts(String user, String document) {
        GraphQlWsClient socket = connected(user);
        socket.subscribe("started", document, Map.of());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> startedFeed.listening(user));
        return socket;
    }

    private GraphQlHttp http() {
        return new GraphQlHttp(graphQlUrl());
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
