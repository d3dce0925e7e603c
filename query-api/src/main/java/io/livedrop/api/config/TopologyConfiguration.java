package io.livedrop.api.config;

import io.livedrop.topology.config.LivedropConfig;
import io.livedrop.topology.config.TopologySerdes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The topology's configuration and serdes from {@code livedrop.topology.*}: the same for API instances and the edge role. */
@Configuration(proxyBeanMethods = false)
public class TopologyConfiguration {

    @Bean
    LivedropConfig livedropConfig(LivedropProperties properties) {
        return new LivedropConfig(properties.topologySettings());
    }

    @Bean
    TopologySerdes topologySerdes(LivedropConfig config) {
        return TopologySerdes.from(config);
    }
}
