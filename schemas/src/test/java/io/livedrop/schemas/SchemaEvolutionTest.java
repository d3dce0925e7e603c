package io.livedrop.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fails the build when a schema change is not both backward compatible (the new reader reads what
 * the last release wrote) and forward compatible (the last release's readers read what the new
 * schema writes), using Avro's own {@link SchemaCompatibility}. Rolling upgrades need both: old and
 * new instances share topics for a while, and compacted catalog topics keep old records for ever.
 */
class SchemaEvolutionTest {

    private static final ReleasedSchemas RELEASED = ReleasedSchemas.load();

    static Stream<Class<? extends SpecificRecord>> eventTypes() {
        return EventTypes.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventTypes")
    void shouldHaveAReleasedVersionOfEveryEventType(Class<? extends SpecificRecord> type) {
        // Given the schema compiled into the generated class
        Schema current = EventTypes.schemaOf(type);

        // Then at least one version of it is released (so records written now can be decoded later)
        assertThat(RELEASED.latest(current.getFullName()))
                .as("no released version of %s: copy its .avsc to %sv1.avsc and list it in index.txt",
                        current.getFullName(), ReleasedSchemas.ROOT + current.getFullName() + "/")
                .isPresent();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventTypes")
    void shouldStayBackwardAndForwardCompatibleWithLastRelease(Class<? extends SpecificRecord> type) {
        // Given the current schema and its last released version
        Schema current = EventTypes.schemaOf(type);
        Schema lastReleased = RELEASED.latest(current.getFullName()).orElseThrow().schema();

        // Then each can read what the other writes
        assertMutuallyCompatible(current, lastReleased, "current " + current.getFullName() + " vs its last release");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventTypes")
    void shouldDocumentEveryFieldAndUseTimestampMillisForTimes(Class<? extends SpecificRecord> type) {
        // Given the schema, its nested records included
        for (Schema record : records(EventTypes.schemaOf(type))) {
            assertThat(record.getDoc()).as("doc of %s", record.getFullName()).isNotBlank();
            for (Schema.Field field : record.getFields()) {
                // Then every field says what it is
                assertThat(field.doc()).as("doc of %s.%s", record.getFullName(), field.name()).isNotBlank();
                // And every time (a field named ...At) is a timestamp-millis
                if (field.name().endsWith("At")) {
                    Schema time = field.schema().isUnion()
                            ? field.schema().getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElseThrow()
                            : field.schema();
                    assertThat(time.getLogicalType()).as("logical type of %s.%s", record.getFullName(), field.name())
                            .isNotNull();
                    assertThat(time.getLogicalType().getName()).isEqualTo("timestamp-millis");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventTypes")
    void shouldGiveEveryEnumADefaultSymbol(Class<? extends SpecificRecord> type) {
        for (Schema record : records(EventTypes.schemaOf(type))) {
            for (Schema.Field field : record.getFields()) {
                for (Schema branch : field.schema().isUnion() ? field.schema().getTypes() : List.of(field.schema())) {
                    if (branch.getType() == Schema.Type.ENUM) {
                        assertThat(branch.getEnumDefault()).as("default of enum %s", branch.getFullName()).isEqualTo("UNKNOWN");
                    }
                }
            }
        }
    }

    @Test
    void shouldKeepEveryReleasedVersionCompatibleWithItsPredecessor() {
        RELEASED.all().forEach((name, versions) -> {
            for (int i = 1; i < versions.size(); i++) {
                assertMutuallyCompatible(versions.get(i).schema(), versions.get(i - 1).schema(),
                        name + " v" + versions.get(i).number() + " vs v" + versions.get(i - 1).number());
            }
        });
    }

    @Test
    void shouldListEveryAvscFileAsAnEventType() throws IOException {
        // Given the .avsc sources of this module
        List<String> declared;
        try (Stream<Path> files = Files.walk(Path.of("src/main/avro"))) {
            declared = files.filter(p -> p.toString().endsWith(".avsc"))
                    .map(SchemaEvolutionTest::parse)
                    .filter(schema -> schema.getType() == Schema.Type.RECORD)
                    .map(Schema::getFullName).sorted().toList();
        }

        // Then each is one of the event types the code knows about, and vice versa
        assertThat(declared).containsExactlyInAnyOrderElementsOf(
                EventTypes.ALL.stream().map(t -> EventTypes.schemaOf(t).getFullName()).toList());
    }

    @Test
    void shouldDetectARequiredFieldAddedWithoutDefaultAsIncompatible() {
        // Given the released Drop and a change adding a required field with no default
        Schema released = RELEASED.latest("io.livedrop.events.catalog.Drop").orElseThrow().schema();
        String changed = released.toString().replaceFirst("\"fields\":\\[",
                "\"fields\":[{\"name\":\"warehouse\",\"type\":\"string\"},");

        // When the new reader reads what the last release wrote
        var result = SchemaCompatibility.checkReaderWriterCompatibility(new Schema.Parser().parse(changed), released);

        // Then the check this test class runs on every schema reports it
        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void shouldAcceptAnEnumSymbolAddedOnlyBecauseOfTheEnumDefault() {
        // Given the released OrderDecision and a change adding a reject reason
        Schema released = RELEASED.latest("io.livedrop.events.order.OrderDecision").orElseThrow().schema();
        String added = released.toString().replace("\"PER_USER_LIMIT\"", "\"PER_USER_LIMIT\",\"FRAUD_SUSPECTED\"");
        Schema withDefault = new Schema.Parser().parse(added);
        Schema withoutDefault = new Schema.Parser().parse(added.replace(",\"default\":\"UNKNOWN\"", ""));

        // When old readers read records written with the new symbol
        var oldReaderWithDefault = SchemaCompatibility.checkReaderWriterCompatibility(released, withDefault);
        var oldReaderWithoutDefault = SchemaCompatibility.checkReaderWriterCompatibility(
                new Schema.Parser().parse(released.toString().replace(",\"default\":\"UNKNOWN\"", "")), withoutDefault);

        // Then the enum default (UNKNOWN) is what keeps the change forward compatible
        assertThat(oldReaderWithDefault.getType()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(oldReaderWithoutDefault.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    /** The record and every record nested in it. */
    private static List<Schema> records(Schema root) {
        List<Schema> found = new java.util.ArrayList<>();
        java.util.ArrayDeque<Schema> todo = new java.util.ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            Schema schema = todo.pop();
            switch (schema.getType()) {
                case RECORD -> {
                    if (found.stream().noneMatch(s -> s.getFullName().equals(schema.getFullName()))) {
                        found.add(schema);
                        schema.getFields().forEach(f -> todo.push(f.schema()));
                    }
                }
                case UNION -> schema.getTypes().forEach(todo::push);
                case ARRAY -> todo.push(schema.getElementType());
                case MAP -> todo.push(schema.getValueType());
                default -> { }
            }
        }
        return found;
    }

    private static void assertMutuallyCompatible(Schema newer, Schema older, String what) {
        var backward = SchemaCompatibility.checkReaderWriterCompatibility(newer, older);
        var forward = SchemaCompatibility.checkReaderWriterCompatibility(older, newer);
        assertThat(backward.getType())
                .as("%s: not backward compatible (new readers cannot read old records): %s",
                        what, backward.getResult().getIncompatibilities())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(forward.getType())
                .as("%s: not forward compatible (old readers cannot read new records): %s",
                        what, forward.getResult().getIncompatibilities())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    private static Schema parse(Path path) {
        try {
            // Records may name types of other files (the avro-maven-plugin imports): parse those first
            Schema.Parser parser = new Schema.Parser();
            parser.parse(Path.of("src/main/avro/catalog/Drop.avsc").toFile());
            parser.parse(Path.of("src/main/avro/drop/DropStatus.avsc").toFile());
            if (path.endsWith("Drop.avsc") || path.endsWith("DropStatus.avsc")) {
                return parser.getTypes().get(path.getFileName().toString().equals("Drop.avsc")
                        ? "io.livedrop.events.catalog.Drop" : "io.livedrop.events.drop.DropStatus");
            }
            return parser.parse(path.toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
