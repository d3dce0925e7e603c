package io.livedrop.connect;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The connectors' own classes run inside a Kafka Connect worker with the schemas jar beside them: of
 * livedrop they may use the schemas only (not the topology, the application, the embedded broker or the
 * benchmarks, which are test scope here at most), no Spring, and their packages have no cycles.
 */
class ArchitectureTest {

    private static final JavaClasses CONNECT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.livedrop.connect");

    @Test
    void connectorsShouldUseNothingOfLivedropButTheSchemasAndNoSpring() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.livedrop.api..",
                "io.livedrop.bench..", "io.livedrop.topology..", "io.livedrop.kafka..").check(CONNECT);
    }

    @Test
    void connectorPackagesShouldBeFreeOfCycles() {
        slices().matching("io.livedrop.(**)").should().beFreeOfCycles().check(CONNECT);
    }
}
