package io.livedrop.api;

import io.livedrop.api.command.CommandProducer;
import io.livedrop.api.config.KafkaCluster;
import io.livedrop.api.config.LivedropProperties;
import io.livedrop.api.limits.Refusals;
import io.livedrop.api.query.InteractiveQueries;
import io.livedrop.api.query.PeerClient;
import io.livedrop.api.streams.StreamThreadWatchdog;
import io.livedrop.api.streams.StreamsRuntime;
import io.livedrop.api.web.PeerListener;
import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.Topics;
import io.livedrop.topology.config.TopologySerdes;
import io.livedrop.topology.config.TopicSpec;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the cluster and the Kafka Streams runtime (the topology's configuration and serdes: config.TopologyConfiguration). */
@Configuration(proxyBeanMethods = false)
public class KafkaConfiguration {

    @Bean(destroyMethod = "close")
    KafkaCluster kafkaCluster(LivedropProperties properties) {
        return KafkaCluster.connect(properties);
    }

    @Bean
    StreamsRuntime streamsRuntime(LivedropProperties properties, KafkaCluster cluster, LivedropConfig config,
                                  TopologySerdes serdes, ApplicationContext context, PeerListener peers,
                                  org.springframework.beans.factory.ObjectProvider<io.micrometer.core.instrument.MeterRegistry> meters) {
        return new StreamsRuntime(properties, cluster, config, serdes, peers::port, context,
                meters.getIfAvailable());
    }

    /** The topics' names, for the beans that follow topics without Kafka Streams (the edge role makes its own). */
    @Bean
    Topics topics(StreamsRuntime runtime) {
        return runtime.topics();
    }

    @Bean
    StreamThreadWatchdog streamThreadWatchdog(StreamsRuntime runtime, KafkaCluster cluster, LivedropProperties properties,
                                              ApplicationContext context) {
        return new StreamThreadWatchdog(runtime::applications, cluster.bootstrapServers(),
                properties.kafka().stuckThreadAfter(), Duration.ofSeconds(5), context);
    }

    @Bean
    InteractiveQueries interactiveQueries(StreamsRuntime runtime, LivedropProperties properties, PeerListener peers,
                                          Refusals refusals) {
        LivedropProperties.Queries queries = properties.queries();
        return new InteractiveQueries(runtime, () -> new HostInfo(properties.advertisedHost(), peers.port()),
                new PeerClient(queries.peerTimeout()), queries.standbyMaxLag(), queries.ownerWait(),
                queries.maxOwnerWaiters(), refusals::count);
    }

    @Bean(destroyMethod = "close")
    CommandProducer commandProducer(KafkaCluster cluster) {
        return new CommandProducer(cluster.bootstrapServers());
    }

    /** The command topics' metadata in the producer before the application is ready (after StreamsRuntime made them). */
    @Bean
    SmartLifecycle commandTopicsMetadata(CommandProducer producer, StreamsRuntime runtime, LivedropProperties properties) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                producer.awaitMetadata(runtime.topics().commands().stream().map(TopicSpec::name).toList(),
                        properties.kafka().startupTimeout());
                running = true;
            }

            @Override
            public void stop() {
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return StreamsRuntime.PHASE;
            }
        };
    }
}
