package io.livedrop.api;

import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.demo.DemoData;
import io.livedrop.api.query.StoreUnavailableException;
import io.livedrop.api.query.InteractiveQueries;
import io.livedrop.api.config.KafkaCluster;
import io.livedrop.api.edge.EdgeServer;
import io.livedrop.api.config.LivedropProperties;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.api.web.HttpProperties;
import io.livedrop.api.web.PeerListener;
import io.livedrop.events.catalog.Creator;
import io.livedrop.topology.config.Stores;
import io.livedrop.topology.config.TopologySerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Once the application is ready: writes the demo catalog if enabled and the catalog is empty, waits
 * until the topology has taken it in, and prints where everything is.
 */
@Component
class Startup {

    private static final Logger log = LoggerFactory.getLogger(Startup.class);
    private static final Duration DEMO_VISIBLE_WITHIN = Duration.ofSeconds(30);

    private final LivedropProperties properties;
    private final KafkaCluster cluster;
    private final StreamsRuntime runtime;
    private final InteractiveQueries queries;
    private final TopologySerdes serdes;
    private final CatalogQueryService catalog;
    private final HttpProperties http;
    private final PeerListener peers;
    private final EdgeServer edge;

    Startup(LivedropProperties properties, KafkaCluster cluster, StreamsRuntime runtime, InteractiveQueries queries,
            TopologySerdes serdes, CatalogQueryService catalog, HttpProperties http, PeerListener peers, EdgeServer edge) {
        this.properties = properties;
        this.edge = edge;
        this.http = http;
        this.peers = peers;
        this.cluster = cluster;
        this.runtime = runtime;
        this.queries = queries;
        this.serdes = serdes;
        this.catalog = catalog;
    }

    @EventListener
    void onReady(ApplicationReadyEvent event) {
        if (properties.demoData()) {
            loadDemoData();
        }
        int port = ((WebServerApplicationContext) event.getApplicationContext()).getWebServer().getPort();
        String kafka = cluster.embedded()
                .map(b -> cluster.bootstrapServers() + " (embedded KRaft broker, data in " + b.dataDirectory() + ")")
                .orElse(cluster.bootstrapServers());
        log.info("""

                ==================================================================
                 livedrop is ready
                   Web page   http://localhost:{}/   (local sign-in: any user id; tick "creator" to sell)
                   GraphQL    http://localhost:{}/graphql   (POST; WebSocket for subscriptions)
                   Live       ws://localhost:{}/graphql   (the edge: WebSocket subscriptions told once for all, the page's socket)
                   GraphiQL   {}
                   Health     http://localhost:{}/actuator/health
                   Peers      port {} (reads between instances, metrics: /actuator/prometheus; keep it off the public network)
                   Kafka      {}
                   State      {}
                   Try        curl -s localhost:{}/graphql -H 'Content-Type: application/json' \\
                                -d '{"query":"{ liveDrops { edges { node { id product { name } remainingStock } } } }"}'
                   Token      ./livedrop token --user u1 [--roles CREATOR]   (send as Authorization: Bearer <token>)
                ==================================================================""",
                port, port, edge.port(), http.graphiql() ? "http://localhost:" + port + "/graphiql" : "off (livedrop.http.graphiql=true serves it)",
                port, peers.port(), kafka, properties.stateDirectory().toAbsolutePath().normalize(), port);
    }

    private void loadDemoData() {
        boolean empty = queries.<String, Creator, Boolean>withStore(Stores.CATALOG_CREATORS, store -> {
            try (KeyValueIterator<String, Creator> it = store.all()) {
                return !it.hasNext();
            }
        });
        if (!empty) {
            log.info("Catalog already has data; demo data not written again");
            return;
        }
        Instant now = Instant.now();
        new DemoData(runtime.topics(), serdes).publish(cluster.bootstrapServers(), now);
        List<String> dropIds = DemoData.catalog(now).drops().stream().map(d -> d.getId()).toList();
        long deadline = System.nanoTime() + DEMO_VISIBLE_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            // routed reads: with several instances a drop may live on another one
            boolean allVisible = dropIds.stream().allMatch(id -> visible(id));
            if (allVisible) {
                log.info("Demo catalog written");
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.warn("Demo catalog written but not visible after {}; reads may lag", DEMO_VISIBLE_WITHIN);
    }

    private boolean visible(String dropId) {
        try {
            return catalog.drop(dropId).isPresent();
        } catch (StoreUnavailableException unavailable) {
            return false;
        }
    }
}
