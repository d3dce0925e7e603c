package io.livedrop.topology;

import io.livedrop.topology.config.Stores;
import static io.livedrop.schemas.testing.EventFixtures.creator;
import static io.livedrop.schemas.testing.EventFixtures.product;
import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.events.catalog.Creator;
import io.livedrop.events.catalog.Product;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CatalogStoresTest {

    private final TopologyFixture fixture = new TopologyFixture();
    private final TestInputTopic<String, Creator> creators = fixture.driver.createInputTopic(
            fixture.topics.creators().name(), fixture.serdes.key().serializer(), fixture.serdes.creator().serializer());
    private final TestInputTopic<String, Product> products = fixture.driver.createInputTopic(
            fixture.topics.products().name(), fixture.serdes.key().serializer(), fixture.serdes.product().serializer());

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void shouldServeCreatorsAndProductsFromGlobalStores() {
        // Given a creator and a product on the catalog topics
        creators.pipeInput("c1", creator("c1").build());
        products.pipeInput("p1", product("p1", "c1").build());

        // Then both are in the global stores by id
        KeyValueStore<String, Creator> creatorStore = fixture.driver.getKeyValueStore(Stores.CATALOG_CREATORS);
        KeyValueStore<String, Product> productStore = fixture.driver.getKeyValueStore(Stores.CATALOG_PRODUCTS);
        assertThat(creatorStore.get("c1").getName()).isEqualTo("Creator c1");
        assertThat(productStore.get("p1").getCreatorId()).isEqualTo("c1");
    }

    @Test
    void shouldReplaceAProductWithItsLatestVersion() {
        products.pipeInput("p1", product("p1", "c1").build());
        products.pipeInput("p1", product("p1", "c1").setName("Renamed").build());

        KeyValueStore<String, Product> store = fixture.driver.getKeyValueStore(Stores.CATALOG_PRODUCTS);
        assertThat(store.get("p1").getName()).isEqualTo("Renamed");
    }

    @Test
    void shouldRemoveAProductOnTombstone() {
        products.pipeInput("p1", product("p1", "c1").build());
        products.pipeInput("p1", (Product) null);

        KeyValueStore<String, Product> store = fixture.driver.getKeyValueStore(Stores.CATALOG_PRODUCTS);
        assertThat(store.get("p1")).isNull();
    }
}
