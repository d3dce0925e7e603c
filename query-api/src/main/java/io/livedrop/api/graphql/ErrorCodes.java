package io.livedrop.api.graphql;

import graphql.ErrorClassification;
import graphql.ErrorType;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.graphql.ResponseError;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Gives every error of a response an {@code extensions.code}, as API.md promises. Errors raised by
 * livedrop's own code carry one already; graphql-java's own (a syntax error, a wrong argument type,
 * an unknown field, a query over the depth or complexity limit) are the client's to fix:
 * BAD_REQUEST. Anything else unexpected is UNAVAILABLE (retry), never an internal detail.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ErrorCodes implements WebGraphQlInterceptor {

    @Override
    public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
        return chain.next(request).map(response -> {
            List<ResponseError> errors = response.getErrors();
            if (errors.isEmpty() || errors.stream().allMatch(ErrorCodes::hasCode)) {
                return response;
            }
            return response.transform(builder -> builder.errors(errors.stream().map(ErrorCodes::withCode).toList()));
        });
    }

    private static boolean hasCode(ResponseError error) {
        return error.getExtensions().containsKey("code");
    }

    private static GraphQLError withCode(ResponseError error) {
        if (hasCode(error)) {
            return toGraphQlError(error, error.getExtensions());
        }
        Map<String, Object> extensions = new LinkedHashMap<>(error.getExtensions());
        extensions.put("code", codeFor(error.getErrorType()).name());
        return toGraphQlError(error, extensions);
    }

    static ErrorCode codeFor(ErrorClassification type) {
        if (type == ErrorType.InvalidSyntax || type == ErrorType.ValidationError || type == ErrorType.ExecutionAborted
                || type == ErrorType.OperationNotSupported
                || type == org.springframework.graphql.execution.ErrorType.BAD_REQUEST) {
            return ErrorCode.BAD_REQUEST;
        }
        return ErrorCode.UNAVAILABLE;
    }

    private static GraphQLError toGraphQlError(ResponseError error, Map<String, Object> extensions) {
        GraphqlErrorBuilder<?> builder = GraphqlErrorBuilder.newError().message(error.getMessage())
                .errorType(error.getErrorType()).extensions(extensions);
        if (error.getParsedPath() != null && !error.getParsedPath().isEmpty()) {
            builder.path(error.getParsedPath());
        }
        if (error.getLocations() != null && !error.getLocations().isEmpty()) {
            builder.locations(error.getLocations());
        }
        return builder.build();
    }
}
