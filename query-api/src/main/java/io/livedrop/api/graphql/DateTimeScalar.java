package io.livedrop.api.graphql;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.GraphQLScalarType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** {@code DateTime}: an ISO-8601 instant, written in UTC ("2026-11-25T18:00:00Z"), read with any offset. */
public final class DateTimeScalar {

    public static final GraphQLScalarType INSTANCE = GraphQLScalarType.newScalar()
            .name("DateTime")
            .description("An ISO-8601 instant, e.g. 2026-11-25T18:00:00Z")
            .coercing(new InstantCoercing())
            .build();

    private DateTimeScalar() {
    }

    private static final class InstantCoercing implements Coercing<Instant, String> {

        @Override
        public String serialize(Object value, GraphQLContext context, Locale locale) {
            if (value instanceof Instant instant) {
                return instant.toString();
            }
            throw new CoercingSerializeException("Not an Instant: " + value);
        }

        @Override
        public Instant parseValue(Object input, GraphQLContext context, Locale locale) {
            if (input instanceof String text) {
                return parse(text, CoercingParseValueException::new);
            }
            throw new CoercingParseValueException("DateTime must be an ISO-8601 string, e.g. 2026-11-25T18:00:00Z");
        }

        @Override
        public Instant parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
            if (input instanceof StringValue text) {
                return parse(text.getValue(), CoercingParseLiteralException::new);
            }
            throw new CoercingParseLiteralException("DateTime must be an ISO-8601 string, e.g. 2026-11-25T18:00:00Z");
        }

        private static <E extends RuntimeException> Instant parse(String text, java.util.function.Function<String, E> error) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw error.apply("Invalid DateTime '" + text + "': expected ISO-8601 with offset, e.g. 2026-11-25T18:00:00Z");
            }
        }
    }
}
