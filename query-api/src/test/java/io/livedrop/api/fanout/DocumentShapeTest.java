package io.livedrop.api.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Shapes of subscription documents on the API's schema, plus one more viewer-dependent field that
 * facts cannot answer ({@code Creator.viewerNote}, test-only): the same selection written
 * differently shares a key, variables in any order too; what differs in selection or variables does
 * not; a selection is shareable unless, fragments and {@code @skip}/{@code @include} resolved, it
 * holds a viewer field beyond the facts.
 */
class DocumentShapeTest {

    private static final FieldCoordinates VIEWER_NOTE = FieldCoordinates.coordinates("Creator", "viewerNote");
    private static final GraphQLSchema SCHEMA = CapturedShapes.apiSchema("extend type Creator { viewerNote: String }");
    private final DocumentShapes shapes = new DocumentShapes(
            new ViewerDependentFields(Set.of(ViewerDependentFields.VIEWER_FOLLOWS), Set.of(VIEWER_NOTE)));

    @Test
    void shouldGiveTheSameSelectionWrittenDifferentlyTheSameKey() {
        DocumentShape plain = shape("subscription { dropStarted { startedAt drop { id } } }", Map.of());
        DocumentShape terse = shape("subscription{dropStarted{startedAt,drop{id}}}", Map.of());
        DocumentShape commented = shape("""
                # the benchmark's document
                subscription {
                  dropStarted {
                    startedAt   # when
                    drop { id }
                  }
                }""", Map.of());

        assertThat(terse.key()).isEqualTo(plain.key());
        assertThat(commented.key()).isEqualTo(plain.key());
        assertThat(plain.document()).isEqualTo("subscription{dropStarted{startedAt drop{id}}}");
        assertThat(plain.shareable()).isTrue();
        // another selection is another key
        assertThat(shape("subscription { dropStarted { startedAt drop { id status } } }", Map.of()).key())
                .isNotEqualTo(plain.key());
    }

    @Test
    void shouldKeyTheOperationAndOnlyTheFragmentsItUses() {
        String both = """
                subscription Started { dropStarted { ...Event } }
                subscription Updates($id: ID!) { dropUpdates(dropId: $id) { at drop { ...Stock } } }
                fragment Stock on Drop { id remainingStock }
                fragment Event on DropStartedEvent { startedAt drop { ...Stock creator { id } } }""";
        String reordered = """
                fragment Event on DropStartedEvent { startedAt drop { ...Stock creator { id } } }
                fragment Stock on Drop { id remainingStock }
                subscription Started { dropStarted { ...Event } }""";

        DocumentShape started = CapturedShapes.of(SCHEMA, shapes, both, "Started", Map.of());
        DocumentShape updates = CapturedShapes.of(SCHEMA, shapes, both, "Updates", Map.of("id", "d-1"));

        assertThat(started.operationName()).isEqualTo("Started");
        assertThat(started.document()).startsWith("subscription Started").contains("fragment Event", "fragment Stock")
                .doesNotContain("dropUpdates");
        assertThat(updates.document()).startsWith("subscription Updates").contains("fragment Stock")
                .doesNotContain("fragment Event", "dropStarted");
        assertThat(CapturedShapes.of(SCHEMA, shapes, reordered, "Started", Map.of()).key()).isEqualTo(started.key());
        assertThat(updates.variables()).isEqualTo(Map.of("id", "d-1"));
    }

    @Test
    void shouldKeyTheVariablesWhateverTheirOrder() {
        String document = """
                subscription($id: ID!, $withAt: Boolean!) { dropUpdates(dropId: $id) { at @include(if: $withAt) drop { id } } }""";
        Map<String, Object> idFirst = new LinkedHashMap<>();
        idFirst.put("id", "d-1");
        idFirst.put("withAt", true);
        Map<String, Object> withAtFirst = new LinkedHashMap<>();
        withAtFirst.put("withAt", true);
        withAtFirst.put("id", "d-1");

        DocumentShape first = shape(document, idFirst);

        assertThat(shape(document, withAtFirst).key()).isEqualTo(first.key());
        assertThat(first.key()).endsWith("{\"id\":\"d-1\",\"withAt\":true}");
        assertThat(shape(document, Map.of("id", "d-2", "withAt", true)).key()).isNotEqualTo(first.key());
        assertThat(shape(document, Map.of("id", "d-1", "withAt", false)).key()).isNotEqualTo(first.key());
    }

    @Test
    void shouldShareViewerFollowsButNotAViewerFieldTheFactsCannotAnswer() {
        DocumentShape without = shape("subscription { dropStarted { drop { creator { id } } } }", Map.of());
        DocumentShape follows = shape("subscription { dropStarted { drop { creator { id viewerFollows } } } }", Map.of());
        DocumentShape note = shape("subscription { dropStarted { drop { creator { id viewerNote } } } }", Map.of());

        assertThat(without.shareable()).isTrue();
        assertThat(follows.shareable()).as("viewerFollows is answered by the facts").isTrue();
        assertThat(follows.key()).as("documents that differ in viewerFollows").isNotEqualTo(without.key());
        assertThat(note.shareable()).as("a viewer field beyond the facts").isFalse();
    }

    @Test
    void shouldSeeAViewerFieldThroughFragmentsAndTheProductsCreator() {
        assertThat(shape("""
                subscription { dropStarted { drop { ...D } } }
                fragment D on Drop { product { creator { ... on Creator { viewerNote } } } }""", Map.of()).shareable())
                .isFalse();
    }

    @Test
    void shouldResolveSkipAndIncludeBeforeDecidingWhetherToShare() {
        String document = """
                subscription($skip: Boolean!) { dropStarted { drop { creator { id viewerNote @skip(if: $skip) } } } }""";

        DocumentShape skipped = shape(document, Map.of("skip", true));
        DocumentShape kept = shape(document, Map.of("skip", false));

        assertThat(skipped.shareable()).isTrue();
        assertThat(kept.shareable()).isFalse();
        assertThat(skipped.key()).isNotEqualTo(kept.key());
        assertThat(shape("subscription { dropStarted { drop { creator { viewerNote @include(if: false) } } } }",
                Map.of()).shareable()).isTrue();
    }

    private DocumentShape shape(String document, Map<String, Object> variables) {
        return CapturedShapes.of(SCHEMA, shapes, document, variables);
    }
}
