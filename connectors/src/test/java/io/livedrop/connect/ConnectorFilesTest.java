package io.livedrop.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.apicurio.registry.serde.kafka.config.KafkaSerdeConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The connector files as a worker receives them: valid JSON with a name and a config of strings,
 * converters named explicitly, every class they name on this classpath (that is, in the connectors and
 * Kafka versions the integration test runs), and each registry variant identical to its registry-free
 * file but for the value converter, whose Apicurio settings are the wire format the application's
 * RegistryAvroSerde uses (ADR 0002).
 */
class ConnectorFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APICURIO_CONVERTER = "io.apicurio.registry.utils.converter.AvroConverter";

    private static Map<String, String> config(String file) throws IOException {
        JsonNode root = JSON.readTree(Path.of(file).toFile());
        assertThat(root.path("name").asText()).as(file + " name").isNotBlank();
        Map<String, String> config = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("config").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            assertThat(entry.getValue().isTextual()).as(file + ": " + entry.getKey() + " is a string").isTrue();
            config.put(entry.getKey(), entry.getValue().asText());
        }
        return config;
    }

    @ParameterizedTest
    @ValueSource(strings = {"catalog-source", "facts-sink"})
    void namesItsConvertersAndOnlyClassesThatExist(String connector) throws Exception {
        Map<String, String> config = config(connector + ".json");
        assertThat(config).containsEntry("key.converter", "org.apache.kafka.connect.storage.StringConverter")
                .containsEntry("value.converter", SingleObjectAvroConverter.class.getName());
        for (Map.Entry<String, String> e : config.entrySet()) {
            if (e.getKey().equals("connector.class") || e.getKey().endsWith(".type") || e.getKey().endsWith("converter")) {
                assertThat(Class.forName(e.getValue())).as(e.getKey()).isNotNull();
            }
        }
        for (String transform : config.get("transforms").split(",")) {
            assertThat(config).containsKey("transforms." + transform + ".type");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"catalog-source", "facts-sink"})
    void registryVariantDiffersOnlyInTheValueConverter(String connector) throws Exception {
        Map<String, String> plain = config(connector + ".json");
        Map<String, String> registry = config(connector + ".registry.json");
        assertThat(registry).containsEntry("value.converter", APICURIO_CONVERTER);
        String p = "value.converter.";
        assertThat(registry)
                .containsEntry(p + SerdeConfig.ID_HANDLER, "io.apicurio.registry.serde.Default4ByteIdHandler")
                .containsEntry(p + SerdeConfig.USE_ID, "contentId")
                .containsEntry(p + KafkaSerdeConfig.ENABLE_HEADERS, "false")
                .containsEntry(p + SchemaResolverConfig.AUTO_REGISTER_ARTIFACT, "true")
                .containsEntry(p + SchemaResolverConfig.AUTO_REGISTER_ARTIFACT_IF_EXISTS, "FIND_OR_CREATE_VERSION")
                .containsEntry(p + SchemaResolverConfig.ARTIFACT_RESOLVER_STRATEGY,
                        "io.apicurio.registry.serde.strategy.TopicIdStrategy")
                .containsEntry(p + SchemaResolverConfig.DEREFERENCE_SCHEMA, "true")
                .containsKey(p + SchemaResolverConfig.REGISTRY_URL);
        Map<String, String> registryWithoutConverter = new TreeMap<>(registry);
        registryWithoutConverter.keySet().removeIf(k -> k.equals("value.converter") || k.startsWith(p));
        Map<String, String> plainWithoutConverter = new TreeMap<>(plain);
        plainWithoutConverter.keySet().removeIf(k -> k.equals("value.converter") || k.startsWith(p));
        assertThat(registryWithoutConverter).isEqualTo(plainWithoutConverter);
        assertThat(JSON.readTree(Path.of(connector + ".registry.json").toFile()).path("name").asText())
                .isEqualTo(JSON.readTree(Path.of(connector + ".json").toFile()).path("name").asText());
    }
}
