package io.livedrop.api.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import io.livedrop.api.command.CommandNotAcceptedException;
import io.livedrop.api.query.StoreUnavailableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The one mapping of failures to the contract's codes: the infrastructure's own exceptions reach the
 * client as the UNAVAILABLE errors with the messages it saw when they were thrown as ApiExceptions,
 * also when they come wrapped in a future's CompletionException.
 */
class ApiExceptionResolverTest {

    @Test
    void shouldAnswerAStoreNoCopyOfWhichCanAnswerAsUnavailableWithItsMessage() {
        GraphQLError error = resolve(new StoreUnavailableException(
                "No instance can serve this drop-state partition right now (rebalancing); retry shortly", null));

        assertThat(error.getExtensions()).containsEntry("code", "UNAVAILABLE");
        assertThat(error.getMessage())
                .isEqualTo("No instance can serve this drop-state partition right now (rebalancing); retry shortly");
    }

    @Test
    void shouldAnswerACommandKafkaDidNotTakeAsUnavailableWithItsMessageAlsoInsideAFuture() {
        CommandNotAcceptedException notAccepted = new CommandNotAcceptedException(
                "The change was not accepted by Kafka (java.util.concurrent.TimeoutException); retry", new TimeoutException());

        GraphQLError error = resolve(new CompletionException(notAccepted));

        assertThat(error.getExtensions()).containsEntry("code", "UNAVAILABLE");
        assertThat(error.getMessage()).isEqualTo(notAccepted.getMessage());
    }

    @Test
    void shouldKeepTheCodeOfAnApiExceptionAndHideAnythingUnexpected() {
        assertThat(resolve(ApiException.badRequest("quantity must be between 1 and 10, was 0")).getExtensions())
                .containsEntry("code", "BAD_REQUEST");

        GraphQLError unexpected = resolve(new IllegalStateException("internal detail"));
        assertThat(unexpected.getExtensions()).containsEntry("code", "UNAVAILABLE");
        assertThat(unexpected.getMessage()).isEqualTo("Internal error; retry later");
    }

    private static GraphQLError resolve(Throwable failure) {
        return ApiExceptionResolver.toError(failure, GraphqlErrorBuilder.newError(), "a test");
    }
}
