package io.livedrop.api.graphql;

import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.schema.DataFetchingEnvironment;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.graphql.execution.DataFetcherExceptionResolverAdapter;
import org.springframework.graphql.execution.ErrorType;
import org.springframework.stereotype.Component;

/**
 * Turns exceptions into GraphQL errors carrying {@code extensions.code}. Unexpected exceptions are
 * logged with their stack trace here and reach the client as a bare UNAVAILABLE error: no stack
 * trace, no internals, and a code that tells the client to retry.
 */
@Component
public class ApiExceptionResolver extends DataFetcherExceptionResolverAdapter {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionResolver.class);

    @Override
    protected GraphQLError resolveToSingleError(Throwable ex, DataFetchingEnvironment env) {
        while ((ex instanceof java.util.concurrent.CompletionException || ex instanceof java.util.concurrent.ExecutionException)
                && ex.getCause() != null) {
            ex = ex.getCause();
        }
        if (ex instanceof ApiException api) {
            return error(env, api.code(), api.getMessage());
        }
        log.error("Unexpected failure in {}", env.getExecutionStepInfo().getPath(), ex);
        return GraphqlErrorBuilder.newError(env).errorType(ErrorType.INTERNAL_ERROR)
                .message("Internal error; retry later")
                .extensions(Map.of("code", ErrorCode.UNAVAILABLE.name())).build();
    }

    private static GraphQLError error(DataFetchingEnvironment env, ErrorCode code, String message) {
        return GraphqlErrorBuilder.newError(env).errorType(code.classification()).message(message)
                .extensions(Map.of("code", code.name())).build();
    }
}
