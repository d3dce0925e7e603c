package io.livedrop.api.fanout;

import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.schema.DataFetchingEnvironment;
import io.livedrop.api.graphql.ErrorCode;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.graphql.execution.DataFetcherExceptionResolverAdapter;
import org.springframework.stereotype.Component;

/**
 * Marks a shared render that asked about the viewer beyond its {@link ViewerFacts}: a field that
 * threw {@link NotShareableException} puts it into the execution's GraphQL context, where
 * {@link LocalRenderer} finds it and gives up the render (the feed logs and counts it). Ahead of
 * every other resolver, which would log it as an unexpected failure.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class NotShareableResolver extends DataFetcherExceptionResolverAdapter {

    /** Context key of the {@link NotShareableException} a render met. */
    static final String CONTEXT_KEY = "livedrop.fanout.not-shareable";

    @Override
    protected GraphQLError resolveToSingleError(Throwable ex, DataFetchingEnvironment env) {
        while ((ex instanceof CompletionException || ex instanceof ExecutionException) && ex.getCause() != null) {
            ex = ex.getCause();
        }
        if (!(ex instanceof NotShareableException notShareable)) {
            return null;
        }
        env.getGraphQlContext().put(CONTEXT_KEY, notShareable);
        return GraphqlErrorBuilder.newError(env).errorType(ErrorCode.UNAVAILABLE.classification()).message("Not shareable")
                .extensions(Map.of("code", ErrorCode.UNAVAILABLE.name())).build();
    }
}
