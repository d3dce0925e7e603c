package io.livedrop.api.web;

import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.ApiExceptionResolver;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.query.PeerEndpoint;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Every failure of a peer endpoint ({@code /internal/**}: a missing or mistyped parameter, an
 * unknown path, a refused value) is answered in {@code text/plain} with a fixed message per
 * status, whatever the request's {@code Accept} says: never an HTML error page, never the input
 * echoed. Peers read only the status.
 */
@Component
public class PeerErrors implements HandlerExceptionResolver, Ordered {

    private static final Logger log = LoggerFactory.getLogger(PeerErrors.class);

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
                                         Exception ex) {
        if (!request.getRequestURI().startsWith("/internal/")) {
            return null;
        }
        int status;
        Optional<ApiException> api = ApiExceptionResolver.asApiException(ex);
        if (api.isPresent()) {
            status = api.get().code() == ErrorCode.BAD_REQUEST ? 400 : 503;
        } else if (ex instanceof ErrorResponse known) {
            status = known.getStatusCode().value();
        } else if (ex instanceof TypeMismatchException) {
            status = 400;
        } else {
            log.error("Peer endpoint {} failed", request.getRequestURI(), ex);
            status = 500;
        }
        try {
            response.resetBuffer();
            response.setStatus(status);
            response.setContentType(MediaType.TEXT_PLAIN_VALUE);
            response.getOutputStream().write(PeerEndpoint.message(status).getBytes(StandardCharsets.UTF_8));
            return new ModelAndView();
        } catch (IOException | IllegalStateException e) {
            return null;
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
