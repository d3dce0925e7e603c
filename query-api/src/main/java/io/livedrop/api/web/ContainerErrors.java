package io.livedrop.api.web;

import io.livedrop.api.graphql.ErrorCode;
import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * The answer of Tomcat itself to a request it refuses before any filter or servlet runs (an
 * encoded '/' in a path, say): the GraphQL-shaped JSON error body of every other refusal, with a
 * fixed message per status, instead of Tomcat's HTML error page. It replaces the host's error
 * report valve, Spring Boot's or Tomcat's default, on both listeners; it echoes nothing of the
 * request and never shows a stack trace.
 */
@Component
public class ContainerErrors implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            Container host = context.getParent();
            for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve && !(valve instanceof JsonValve)) {
                    host.getPipeline().removeValve(valve);
                }
            }
            if (host instanceof StandardHost standard) {
                standard.setErrorReportValveClass(JsonValve.class.getName());
            }
        });
    }

    /** After Spring Boot's own customizer, which may add its error report valve. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /** Writes {@code {"errors":[{"message":…,"extensions":{"code":…}}]}} for a 4xx or 5xx with no body yet. */
    public static class JsonValve extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            AtomicBoolean ioAllowed = new AtomicBoolean(true);
            response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
            if (!ioAllowed.get()) {
                return;
            }
            ErrorCode code = status >= 500 ? ErrorCode.UNAVAILABLE : ErrorCode.BAD_REQUEST;
            String message = status >= 500 ? "The server could not answer; retry" : "Bad request";
            try {
                response.setContentType("application/json");
                response.setCharacterEncoding("UTF-8");
                response.setHeader("X-Content-Type-Options", "nosniff");
                Writer writer = response.getReporter();
                if (writer != null) {
                    writer.write(code.body(message));
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // the client has gone: nothing to answer
            }
        }
    }
}
