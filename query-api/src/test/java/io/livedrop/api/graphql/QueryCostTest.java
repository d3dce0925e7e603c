package io.livedrop.api.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.execution.CoercedVariables;
import graphql.introspection.IntrospectionQuery;
import graphql.introspection.IntrospectionQueryBuilder;
import graphql.normalized.ExecutableNormalizedOperationFactory;
import graphql.parser.Parser;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The cost of queries ({@link QueryCost}), and the evidence for the default of
 * {@code livedrop.graphql.max-cost}: every query the web page sends, GraphiQL's introspection
 * query and the test documents pass with margin; the issue's amplification query does not.
 */
class QueryCostTest {

    private static final GraphQLSchema SCHEMA = schema();
    /** The default, as Spring binds it with no settings. */
    private static final long MAX_COST = new Binder(new MapConfigurationPropertySource())
            .bindOrCreate("livedrop.graphql", QueryLimits.class).maxCost();
    /** The issue's 119-byte anonymous query: 100 live drops × 100 drops of each creator × 100 again. */
    static final String AMPLIFIER = "{liveDrops(first:100){edges{node{creator{drops(first:100){edges{node{creator"
            + "{drops(first:100){edges{node{id}}}}}}}}}}}}";

    @Test
    void shouldCountEveryFieldOnceWithoutPages() {
        assertThat(cost("{ drop(id: \"d1\") { id status creator { id name } } }")).isEqualTo(6);
    }

    @Test
    void shouldMultiplyAPageSelectionByFirst() {
        // liveDrops 1 + 7 × (edges 1 + node 1 + id 1)
        assertThat(cost("{ liveDrops(first: 7) { edges { node { id } } } }")).isEqualTo(1 + 7 * 3);
    }

    @Test
    void shouldUseTheSchemaDefaultWhenFirstIsAbsentOrNull() {
        assertThat(cost("{ liveDrops { edges { node { id } } } }")).isEqualTo(1 + 20 * 3);
        assertThat(cost("{ liveDrops(first: null) { edges { node { id } } } }")).isEqualTo(1 + 20 * 3);
        assertThat(cost("query($n: Int) { liveDrops(first: $n) { edges { node { id } } } }")).isEqualTo(1 + 20 * 3);
    }

    @Test
    void shouldMultiplyNestedPages() {
        // liveDrops(2) → edges → node → creator → drops(3) → edges → node → id
        long inner = 1 + 3 * 3;
        assertThat(cost("{ liveDrops(first: 2) { edges { node { creator { drops(first: 3) { edges { node { id } } } } } } } }"))
                .isEqualTo(1 + 2 * (1 + 1 + 1 + inner));
    }

    @Test
    void shouldCountEachAliasButMergeIdenticalFields() {
        String one = "liveDrops(first: 5) { edges { node { id } } }";
        assertThat(cost("{ a: " + one + " b: " + one + " }")).isEqualTo(2 * cost("{ " + one + " }"));
        assertThat(cost("{ " + one + " " + one + " }")).isEqualTo(cost("{ " + one + " }"));
        assertThat(cost("{ ...F ...F } fragment F on Query { " + one + " }")).isEqualTo(cost("{ " + one + " }"));
    }

    @Test
    void shouldNeverOverflow() {
        String deep = "{ liveDrops(first: 2147483647) { edges { node { creator { drops(first: 2147483647) { edges { node {"
                + " creator { drops(first: 2147483647) { edges { node { creator { drops(first: 2147483647) { edges { node {"
                + " id } } } } } } } } } } } } } } } }";
        assertThat(cost(deep)).isEqualTo(Long.MAX_VALUE);
        assertThat(cost(aliased(deep, 2))).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldRefuseTheIssuesAmplificationQueryAndItsAliasedVariants() {
        // drops(100){edges{node{id}}} = 301; creator, node, edges add 3; drops(100) = 1 + 100 × 304 = 30,401; ...
        assertThat(cost(AMPLIFIER)).isEqualTo(1 + 100 * (3 + 1 + 100 * (3 + 1 + 100 * 3)))
                .isEqualTo(3_040_401).isGreaterThan(MAX_COST * 10);
        assertThat(cost(aliased(AMPLIFIER, 10))).isGreaterThan(MAX_COST * 100);
        // with default page sizes, two aliases of it
        String defaults = AMPLIFIER.replace("(first:100)", "");
        assertThat(cost(defaults)).isEqualTo(25_681).isLessThan(MAX_COST);
        assertThat(cost(aliased(defaults, 2))).isGreaterThan(MAX_COST);
    }

    @Test
    void shouldPassEveryQueryOfTheWebPageWithMargin() throws IOException {
        String script = Files.readString(Path.of("src/main/resources/static/app/livedrop.js"), StandardCharsets.UTF_8);
        String drop = constant(script, "DROP");
        String liveDrops = constant(script, "LIVE_DROPS").replace("${DROP}", drop);
        String creatorDrops = constant(script, "CREATOR_DROPS").replace("${DROP}", drop);
        // loadShopper(): the start page of a signed-in shopper, the largest query the page sends
        String shopper = "{ " + liveDrops + " me { following(first: 50) { edges { node { id drops(first: 20) {"
                + " edges { node { " + drop + " } } } } } } } }";
        assertThat(script).contains("following(first: 50) { edges { node { id drops(first: 20) { edges { node { ${DROP} }");

        // 321 for liveDrops(20) + me 1 + following 1 + 50 × (edges, node, id 3 + drops 1 + 20 × 16 fields)
        assertThat(cost(shopper)).isEqualTo(16_523).isLessThan(MAX_COST / 3);
        assertThat(cost("{ " + liveDrops + " }")).isLessThan(MAX_COST / 10);
        assertThat(cost(creatorDrops)).isLessThan(MAX_COST / 10);
        assertThat(cost("mutation($input: ScheduleDropInput!) { scheduleDrop(input: $input) { " + drop + " } }")).isLessThan(100);
    }

    @Test
    void shouldPassGraphiqlsIntrospectionQueryAndTheTestDocuments() throws IOException {
        assertThat(cost(IntrospectionQuery.INTROSPECTION_QUERY)).isLessThan(MAX_COST / 100);
        assertThat(cost(IntrospectionQueryBuilder.build(IntrospectionQueryBuilder.Options.defaultOptions()
                .descriptions(true).specifiedByUrl(true).directiveIsRepeatable(true).schemaDescription(true)
                .inputValueDeprecation(true).isOneOf(true).typeRefFragmentDepth(10)))).isLessThan(MAX_COST / 100);
        List<Path> documents;
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/graphql-test"))) {
            documents = files.filter(p -> p.toString().endsWith(".graphql")).toList();
        }
        assertThat(documents).isNotEmpty();
        for (Path document : documents) {
            assertThat(cost(Files.readString(document, StandardCharsets.UTF_8))).as(document.toString())
                    .isLessThan(MAX_COST / 10);
        }
    }

    static String aliased(String query, int aliases) {
        String body = query.substring(1, query.length() - 1);
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < aliases; i++) {
            out.append(" a").append(i).append(": ").append(body);
        }
        return out.append(" }").toString();
    }

    private static String constant(String script, String name) {
        Matcher m = Pattern.compile("const " + name + " = `([^`]*)`;").matcher(script);
        assertThat(m.find()).as("livedrop.js defines " + name).isTrue();
        return m.group(1);
    }

    private static long cost(String document) {
        // only the required variables given: a page size from a variable counts as the schema default
        return QueryCost.of(ExecutableNormalizedOperationFactory.createExecutableNormalizedOperation(
                SCHEMA, Parser.parse(document), null, CoercedVariables.of(Map.of("id", "x", "creatorId", "c", "input", Map.of()))), SCHEMA);
    }

    private static GraphQLSchema schema() {
        try {
            String sdl = Files.readString(Path.of("src/main/resources/graphql/schema.graphqls"), StandardCharsets.UTF_8);
            return new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(sdl),
                    RuntimeWiring.newRuntimeWiring().scalar(DateTimeScalar.INSTANCE).build());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
