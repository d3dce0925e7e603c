package io.livedrop.api.graphql;

import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.schema.DataFetchingEnvironment;
import io.livedrop.api.command.CommandNotAcceptedException;
import io.livedrop.api.query.StoreUnavailableException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.graphql.execution.DataFetcherExceptionResolverAdapter;
import org.springframework.graphql.execution.ErrorType;
import org.springframework.graphql.execution.SubscriptionExceptionResolverAdapter;
import org.springframework.stereotype.Component;

/**
 * Turns exceptions into GraphQL errors carrying {@code extensions.code}, for queries and mutations
 * and (through {@link Subscriptions}) for subscriptions, whose errors end the stream. Unexpected
 * exceptions are logged with their stack trace here and reach the client as a bare UNAVAILABLE
 * error: no stack trace, no internals, and a code that tells the client to retry.
 *
 * <p>{@link #asApiException} is the one place where the infrastructure's own exceptions (interactive
 * queries, the command producer) get the contract's codes; the peer endpoints' error answers use it too.
 */
@Component
public class ApiExceptionResolver extends DataFetcherExceptionResolverAdapter {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionResolver.class);

    @Override
    protected GraphQLError resolveToSingleError(Throwable ex, DataFetchingEnvironment env) {
        return toError(ex, GraphqlErrorBuilder.newError(env), env.getExecutionStepInfo().getPath().toString());
    }

    /** The same mapping for errors that end a subscription stream. */
    @Component
    public static class Subscriptions extends SubscriptionExceptionResolverAdapter {
        @Override
        protected GraphQLError resolveToSingleError(Throwable ex) {
            return toError(ex, GraphqlErrorBuilder.newError(), "a subscription");
        }
    }

    static GraphQLError toError(Throwable ex, GraphqlErrorBuilder<?> builder, String where) {
        Throwable cause = unwrap(ex);
        Optional<ApiException> known = asApiException(cause);
        if (known.isPresent()) {
            ApiException api = known.get();
            return builder.errorType(api.code().classification()).message(api.getMessage())
                    .extensions(Map.of("code", api.code().name())).build();
        }
        log.error("Unexpected failure in {}", where, cause);
        return builder.errorType(ErrorType.INTERNAL_ERROR).message("Internal error; retry later")
                .extensions(Map.of("code", ErrorCode.UNAVAILABLE.name())).build();
    }

    /**
     * What the client is told of {@code failure}: an {@link ApiException} as it is; a store no copy of which can
     * answer, or a command Kafka did not acknowledge, as UNAVAILABLE with its message (which says to retry);
     * empty for anything else (unexpected).
     */
    public static Optional<ApiException> asApiException(Throwable failure) {
        if (failure instanceof ApiException api) {
            return Optional.of(api);
        }
        if (failure instanceof StoreUnavailableException || failure instanceof CommandNotAcceptedException) {
            return Optional.of(ApiException.unavailable(failure.getMessage(), failure));
        }
        return Optional.empty();
    }

    private static Throwable unwrap(Throwable ex) {
        while ((ex instanceof CompletionException || ex instanceof ExecutionException) && ex.getCause() != null) {
            ex = ex.getCause();
        }
        return ex;
    }
}
