package io.livedrop.edge;

import io.livedrop.api.catalog.DropSource;
import io.livedrop.api.catalog.DropUpdatesFeed;
import io.livedrop.api.config.KafkaCluster;
import io.livedrop.api.config.LivedropProperties;
import io.livedrop.api.config.TopologyConfiguration;
import io.livedrop.api.edge.EdgeProperties;
import io.livedrop.api.edge.EdgeServer;
import io.livedrop.api.fanout.DocumentShapes;
import io.livedrop.api.fanout.SharedRenderer;
import io.livedrop.api.feed.NotificationProperties;
import io.livedrop.api.graphql.ApiExceptionResolver;
import io.livedrop.api.graphql.ErrorCodes;
import io.livedrop.api.graphql.GraphQlConfiguration;
import io.livedrop.api.graphql.QueryLimits;
import io.livedrop.api.graphql.WebSocketJson;
import io.livedrop.api.limits.Refusals;
import io.livedrop.api.security.SecurityConfiguration;
import io.livedrop.api.security.SecurityProperties;
import io.livedrop.api.social.DropStartedFeed;
import io.livedrop.api.social.FollowedCreators;
import io.livedrop.api.social.FollowingView;
import io.livedrop.api.websocket.SubscribeStamps;
import io.livedrop.api.websocket.WebSocketConfiguration;
import io.livedrop.api.websocket.WebSocketProperties;
import io.livedrop.api.websocket.WebSocketSessions;
import io.livedrop.edge.relay.UpstreamLimits;
import io.livedrop.edge.remote.ApiPeers;
import io.livedrop.edge.remote.RemoteDrops;
import io.livedrop.edge.remote.RemoteFollowing;
import io.livedrop.edge.remote.RemoteRenderer;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.graphql.autoconfigure.GraphQlCorsProperties;
import org.springframework.boot.graphql.autoconfigure.security.GraphQlWebMvcSecurityAutoConfiguration;
import org.springframework.boot.graphql.autoconfigure.servlet.GraphQlWebMvcAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.graphql.ExecutionGraphQlService;
import org.springframework.graphql.server.WebGraphQlHandler;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * {@code java -jar livedrop.jar edge}: the connection tier without the ledger (ADR 0012 §5). The same
 * edge server, feeds, bounds, token checks and GraphQL schema as an API instance, and none of its state:
 * no Kafka Streams, no RocksDB, no embedded broker, no HTTP GraphQL (its web server serves the actuator
 * alone). Reads go to API instances ({@link ApiPeers}); operations it does not fan out are relayed
 * ({@link EdgeRoleInterceptor}). Scale it with online users; scale API instances with partitions.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(exclude = {GraphQlWebMvcAutoConfiguration.class, GraphQlWebMvcSecurityAutoConfiguration.class})
@EnableConfigurationProperties({LivedropProperties.class, EdgeRoleProperties.class, EdgeProperties.class,
        NotificationProperties.class, WebSocketProperties.class, SecurityProperties.class, QueryLimits.class,
        GraphQlCorsProperties.class})
@Import({TopologyConfiguration.class, GraphQlConfiguration.class, SecurityConfiguration.class, Refusals.class, WebSocketSessions.class,
        SubscribeStamps.class, ErrorCodes.class, ApiExceptionResolver.class, ApiExceptionResolver.Subscriptions.class,
        DocumentShapes.class, FollowingView.class, DropStartedFeed.class, DropUpdatesFeed.class, EdgeServer.class,
        EdgeSubscriptions.class})
public class EdgeRole {

    private static final Logger log = LoggerFactory.getLogger(EdgeRole.class);

    /** The profile that gives the role its defaults ({@code application-edge.yaml}). */
    public static final String PROFILE = "edge";

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(EdgeRole.class);
        application.setAdditionalProfiles(PROFILE);
        application.run(args);
    }

    /** Says where the role listens and what it reaches, once it is ready. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> readyBanner(EdgeServer edge, EdgeRoleProperties role, KafkaCluster cluster) {
        return event -> log.info("""

                ==================================================================
                 livedrop edge is ready (the connection tier alone: no Kafka Streams, no state)
                   Live       ws://localhost:{}/graphql   (graphql-transport-ws; drop starts and live stock fanned out here)
                   Health     http://localhost:{}/actuator/health
                   API peers  {}   (renders, following lists, drops)
                   Upstream   {}   (queries, mutations, orderStatus: relayed per client)
                   Kafka      {}
                ==================================================================""",
                edge.port(), ((WebServerApplicationContext) event.getApplicationContext()).getWebServer().getPort(),
                String.join(", ", role.apiPeers()), role.upstream(), cluster.bootstrapServers());
    }

    @Bean(destroyMethod = "close")
    KafkaCluster kafkaCluster(LivedropProperties properties, EdgeRoleProperties role) {
        role.require();
        if (properties.kafka().bootstrapServers().isBlank()) {
            throw new IllegalStateException("The edge role joins a running cluster: set livedrop.kafka.bootstrap-servers "
                    + "(env LIVEDROP_KAFKA_BOOTSTRAP_SERVERS) to the brokers the API instances use");
        }
        return KafkaCluster.connect(properties);
    }

    @Bean
    Topics topics(LivedropConfig config) {
        return Topics.from(config);
    }

    @Bean
    WebSocketJson webSocketJson(ObjectProvider<ServerHttpMessageConvertersCustomizer> customizers) {
        return new WebSocketJson(WebSocketConfiguration.jsonConverter(customizers));
    }

    @Bean
    WebGraphQlHandler webGraphQlHandler(ExecutionGraphQlService service, ObjectProvider<WebGraphQlInterceptor> interceptors) {
        return WebGraphQlHandler.builder(service).interceptors(interceptors.orderedStream().toList()).build();
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 2)   // as ViewerInterceptor on an API instance: after SubscribeStamps
    EdgeRoleInterceptor edgeRoleInterceptor(JwtDecoder decoder, WebSocketSessions sessions, EdgeRoleProperties role) {
        return new EdgeRoleInterceptor(decoder, sessions, role, UpstreamLimits.DEFAULTS);
    }

    @Bean
    ApiPeers apiPeers(EdgeRoleProperties role, LivedropProperties properties) {
        return new ApiPeers(role.apiPeers(), properties.queries().peerTimeout(), role.apiTimeout());
    }

    @Bean
    SharedRenderer remoteRenderer(ApiPeers peers) {
        return new RemoteRenderer(peers);
    }

    @Bean
    DropSource remoteDrops(ApiPeers peers) {
        return new RemoteDrops(peers);
    }

    @Bean
    FollowedCreators remoteFollowing(ApiPeers peers) {
        return new RemoteFollowing(peers);
    }
}
