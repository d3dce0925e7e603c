package io.livedrop.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the layering visible in the packages: the topology knows nothing of the API or Spring. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.livedrop");

    private static final String[] INFRASTRUCTURE = {"io.livedrop.api.config..", "io.livedrop.api.streams..",
            "io.livedrop.api.query..", "io.livedrop.api.command..", "io.livedrop.api.feed.."};

    @Test
    void topologyShouldNotDependOnTheApiOrSpring() {
        noClasses().that().resideInAPackage("io.livedrop.topology..")
                .should().dependOnClassesThat().resideInAnyPackage("io.livedrop.api..", "org.springframework..")
                .check(CLASSES);
    }

    @Test
    void schemasShouldDependOnNothingElseOfLivedrop() {
        noClasses().that().resideInAnyPackage("io.livedrop.schemas..", "io.livedrop.events..")
                .should().dependOnClassesThat().resideInAnyPackage("io.livedrop.topology..", "io.livedrop.api..",
                        "io.livedrop.kafka..")
                .check(CLASSES);
    }

    /**
     * The Kafka side of the application (settings and cluster, the Streams runtime, interactive queries, the command
     * producer, topic tails) throws its own exceptions and knows nothing of GraphQL or of the features built on it;
     * the API maps its failures to the contract's codes (graphql.ApiExceptionResolver).
     */
    @Test
    void infrastructureShouldNotDependOnTheApiLayers() {
        noClasses().that().resideInAnyPackage(INFRASTRUCTURE)
                .should().dependOnClassesThat().resideInAnyPackage("io.livedrop.api.graphql..", "io.livedrop.api.web..",
                        "io.livedrop.api.websocket..", "io.livedrop.api.security..", "io.livedrop.api.limits..",
                        "io.livedrop.api.catalog..", "io.livedrop.api.order..", "io.livedrop.api.social..",
                        "io.livedrop.api.demo..", "io.livedrop.api.ops..")
                .orShould().dependOnClassesThat().resideInAPackage("io.livedrop.api")
                .check(CLASSES);
    }

    @Test
    void packagesShouldBeFreeOfCycles() {
        slices().matching("io.livedrop.(**)").should().beFreeOfCycles().check(CLASSES);
    }
}
