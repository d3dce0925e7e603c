package io.livedrop.api.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.schema.DataFetcher;
import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLCodeRegistry;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import io.livedrop.api.graphql.DateTimeScalar;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;

/**
 * The {@link DocumentShape} {@link DocumentShapes} gives a subscription document, as its fetcher
 * would see it: the document is executed on {@code schema} with every subscription field answered
 * by a fetcher that only takes the shape.
 */
final class CapturedShapes {

    private CapturedShapes() {
    }

    static DocumentShape of(GraphQLSchema schema, DocumentShapes shapes, String document, String operationName,
                            Map<String, Object> variables) {
        AtomicReference<DocumentShape> shape = new AtomicReference<>();
        DataFetcher<Object> capture = env -> {
            shape.set(shapes.of(env));
            return Flux.empty();
        };
        String subscription = schema.getSubscriptionType().getName();
        GraphQLCodeRegistry registry = schema.getCodeRegistry().transform(builder -> {
            for (GraphQLFieldDefinition field : schema.getSubscriptionType().getFieldDefinitions()) {
                builder.dataFetcher(FieldCoordinates.coordinates(subscription, field.getName()), capture);
            }
        });
        GraphQL graphQl = GraphQL.newGraphQL(schema.transform(builder -> builder.codeRegistry(registry))).build();
        ExecutionResult result = graphQl.execute(ExecutionInput.newExecutionInput(document)
                .operationName(operationName).variables(variables).build());
        assertThat(result.getErrors()).as("errors of %s", document).isEmpty();
        assertThat(shape.get()).as("shape of %s", document).isNotNull();
        return shape.get();
    }

    static DocumentShape of(GraphQLSchema schema, DocumentShapes shapes, String document, Map<String, Object> variables) {
        return of(schema, shapes, document, null, variables);
    }

    /** The API's schema ({@code graphql/schema.graphqls}) with {@code extensions} (SDL), fields answered by properties. */
    static GraphQLSchema apiSchema(String... extensions) {
        TypeDefinitionRegistry types = new SchemaParser().parse(resource("/graphql/schema.graphqls"));
        for (String extension : extensions) {
            types.merge(new SchemaParser().parse(extension));
        }
        return new SchemaGenerator().makeExecutableSchema(types,
                RuntimeWiring.newRuntimeWiring().scalar(DateTimeScalar.INSTANCE).build());
    }

    private static String resource(String path) {
        try (InputStream in = CapturedShapes.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
