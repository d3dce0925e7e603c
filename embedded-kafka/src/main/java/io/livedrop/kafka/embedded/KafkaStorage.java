package io.livedrop.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.properties.MetaProperties;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Formats a data directory the way {@code kafka-storage.sh format} does, or checks that an already formatted one
 * belongs to this node, so that data survives restarts.
 */
final class KafkaStorage {

    private static final Logger log = LoggerFactory.getLogger(KafkaStorage.class);

    /** What {@link #prepare} found or did. */
    record Prepared(String clusterId, boolean reused) {
    }

    private KafkaStorage() {
    }

    /**
     * Reuses {@code dir} if it holds {@code meta.properties} for {@code nodeId}; formats it if it is missing or empty.
     * The directory is both the log directory and the metadata log directory.
     */
    static Prepared prepare(Path dir, int nodeId, Optional<String> wantedClusterId, String controllerListenerName) {
        String logDir = dir.toString();
        Optional<MetaProperties> existing = readMetaProperties(logDir);
        if (existing.isPresent()) {
            return new Prepared(verify(dir, existing.get(), nodeId, wantedClusterId), true);
        }
        requireEmptyOrAbsent(dir);
        String clusterId = wantedClusterId.orElseGet(() -> Uuid.randomUuid().toString());
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            Files.createDirectories(dir);
            new Formatter()
                    .setPrintStream(printStream)
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(logDir))
                    .setMetadataLogDirectory(logDir)
                    .setControllerListenerName(controllerListenerName)
                    // Static quorum (controller.quorum.voters): the controller port may change between restarts,
                    // while a dynamic quorum would persist the endpoint in the voter set.
                    .setHasDynamicQuorum(false)
                    // This node is a controller, so it needs the bootstrap snapshot (metadata.version & features).
                    .setWriteBootstrapSnapshot(true)
                    .run();
        } catch (Exception e) {
            throw new EmbeddedKafkaException("Could not format Kafka data directory " + dir + ": " + e.getMessage(), e);
        }
        log.debug("Formatted {}: {}", dir, output.toString(StandardCharsets.UTF_8).trim());
        return new Prepared(clusterId, false);
    }

    private static Optional<MetaProperties> readMetaProperties(String logDir) {
        MetaPropertiesEnsemble ensemble;
        try {
            ensemble = new MetaPropertiesEnsemble.Loader().addLogDirs(List.of(logDir)).addMetadataLogDir(logDir).load();
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Could not read " + logDir + ": " + e.getMessage(), e);
        }
        if (ensemble.errorLogDirs().contains(logDir)) {
            throw new EmbeddedKafkaException("Kafka data directory " + logDir + " has an unreadable "
                    + MetaPropertiesEnsemble.META_PROPERTIES_NAME
                    + ". Delete the directory to start with an empty broker.");
        }
        return Optional.ofNullable(ensemble.logDirProps().get(logDir));
    }

    private static String verify(Path dir, MetaProperties meta, int nodeId, Optional<String> wantedClusterId) {
        String clusterId = meta.clusterId().orElse("?");
        boolean sameNode = meta.nodeId().isPresent() && meta.nodeId().getAsInt() == nodeId;
        boolean sameCluster = wantedClusterId.map(clusterId::equals).orElse(true);
        if (!sameNode || !sameCluster) {
            throw new EmbeddedKafkaException("Kafka data directory " + dir
                    + " was formatted for another node or cluster"
                    + " (node.id=" + (meta.nodeId().isPresent() ? meta.nodeId().getAsInt() : "none")
                    + ", cluster.id=" + clusterId + "), but this embedded broker is node.id=" + nodeId
                    + wantedClusterId.map(id -> ", cluster.id=" + id).orElse("")
                    + ". Delete the directory (its topics are lost) or point the broker at another data directory.");
        }
        return clusterId;
    }

    private static void requireEmptyOrAbsent(Path dir) {
        if (!Files.isDirectory(dir)) {
            if (Files.exists(dir)) {
                throw new EmbeddedKafkaException("Kafka data directory " + dir + " is a file, not a directory.");
            }
            return;
        }
        // Kafka treats every sub-directory of a log dir as a partition; refuse to adopt an unrelated directory.
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new EmbeddedKafkaException("Directory " + dir + " is not empty but has no "
                        + MetaPropertiesEnsemble.META_PROPERTIES_NAME + ", so it is not a Kafka data directory (or an"
                        + " earlier format was interrupted). Delete it or choose an empty or new directory.");
            }
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Could not list " + dir + ": " + e.getMessage(), e);
        }
    }
}
