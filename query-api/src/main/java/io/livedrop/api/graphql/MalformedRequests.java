package io.livedrop.api.graphql;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.server.ServerWebInputException;

/**
 * A JSON POST to /graphql that is not a GraphQL request (malformed JSON, no query) or that accepts
 * no JSON answer never reaches graphql-java; it gets HTTP 400 (or 406) with a GraphQL error body
 * carrying {@code extensions.code = BAD_REQUEST}, like every other client mistake. A wrong method
 * or content type is answered before this, by {@link NotGraphQlOverHttp}.
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
        if (ex instanceof HttpMediaTypeNotAcceptableException) {
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
            response.getOutputStream().write(ErrorCode.BAD_REQUEST.body(message).getBytes(StandardCharsets.UTF_8));
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
