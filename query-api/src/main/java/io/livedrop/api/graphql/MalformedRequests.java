package io.livedrop.api.graphql;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.server.ServerWebInputException;

/**
 * A JSON POST to /graphql that is not a GraphQL request (malformed JSON, no query) or that accepts
 * no JSON answer never reaches graphql-java; it gets HTTP 400 (or 406) with a GraphQL error body
 * carrying {@code extensions.code = BAD_REQUEST}, like every other client mistake. A wrong method
 * or content type is answered before this, by {@link NotGraphQlOverHttp}.
 *
 * <p>It also answers a request that outlived Spring MVC's async timeout (a request held by {@link StartupGate} on a
 * saturated machine, then slow to run) with a retryable UNAVAILABLE GraphQL error, not the servlet's bare 503.
 */
@Component
public class MalformedRequests implements HandlerExceptionResolver, Ordered {

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
                                         Exception ex) {
        if (!request.getRequestURI().startsWith("/graphql")) {
            return null;
        }
        int status;
        String message;
        ErrorCode code = ErrorCode.BAD_REQUEST;
        if (ex instanceof AsyncRequestTimeoutException) {
            status = 200;
            code = ErrorCode.UNAVAILABLE;
            message = "This instance did not answer in time (it is starting or overloaded); retry shortly";
        } else if (ex instanceof HttpMediaTypeNotAcceptableException) {
            status = 406;
            message = "Accept application/json or application/graphql-response+json";
        } else if (ex instanceof ServerWebInputException
                || ex instanceof org.springframework.http.converter.HttpMessageNotReadableException) {
            status = 400;
            message = "The body is not a GraphQL request: send JSON {\"query\": \"...\", \"variables\": {...}}";
        } else {
            return null;
        }
        try {
            response.setStatus(status);
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.getOutputStream().write(code.body(message).getBytes(StandardCharsets.UTF_8));
            return new ModelAndView();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
