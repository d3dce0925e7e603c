package io.livedrop.api.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The error body written outside GraphQL execution parses as the contract's shape, whatever the message holds. */
class ErrorCodeTest {

    @Test
    void shouldWriteAGraphQlShapedBodyWithTheMessageEscaped() {
        String message = "a \"quoted\" back\\slash, a\nnewline and a \u0001 control </script>";

        JsonNode body = JsonMapper.builder().build().readTree(ErrorCode.RATE_LIMITED.body(message));

        assertThat(body.path("errors").path(0).path("message").asString()).isEqualTo(message);
        assertThat(body.path("errors").path(0).path("extensions").path("code").asString()).isEqualTo("RATE_LIMITED");
    }
}
