package io.livedrop.api.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import graphql.GraphQLContext;
import graphql.schema.CoercingParseValueException;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class DateTimeScalarTest {

    private final GraphQLContext context = GraphQLContext.getDefault();

    @Test
    void shouldWriteInstantsInUtc() {
        assertThat(DateTimeScalar.INSTANCE.getCoercing().serialize(Instant.parse("2026-11-25T18:00:00Z"), context, Locale.ROOT))
                .isEqualTo("2026-11-25T18:00:00Z");
    }

    @Test
    void shouldReadAnyOffset() {
        assertThat(DateTimeScalar.INSTANCE.getCoercing().parseValue("2026-11-25T19:00:00+01:00", context, Locale.ROOT))
                .isEqualTo(Instant.parse("2026-11-25T18:00:00Z"));
    }

    @Test
    void shouldRejectATimeWithoutOffset() {
        assertThatThrownBy(() -> DateTimeScalar.INSTANCE.getCoercing().parseValue("2026-11-25 18:00", context, Locale.ROOT))
                .isInstanceOf(CoercingParseValueException.class).hasMessageContaining("ISO-8601");
    }
}
