package io.livedrop.api.web;

import io.livedrop.api.edge.EdgeLocation;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.limits.Refusals;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The first thing every request meets after the HTTP metrics (so what it refuses is metered with
 * its 4xx status), before Spring Security:
 * <ul>
 *   <li>every response says {@code X-Content-Type-Options: nosniff}, and carries a
 *       Content-Security-Policy: no inline script or style for the web page, GraphiQL's own
 *       looser one (its editor sets inline styles), nothing at all for anything else;</li>
 *   <li>{@code /internal/**} is served on the {@link PeerListener} only, and the peer listener
 *       serves nothing else but the actuator; on the public port the actuator shows health (and
 *       info) alone, unless {@code livedrop.http.public-metrics}; GraphiQL only if
 *       {@code livedrop.http.graphiql};</li>
 *   <li>a body over {@code livedrop.http.max-body-size} is answered 413 before it is read when its
 *       length is declared, and once that many bytes came when it is chunked;</li>
 *   <li>a query string Tomcat cannot decode (a bad %-escape) is answered 400 here; left to Tomcat
 *       it threw from the first {@code getParameter}, was logged as an ERROR with a stack trace
 *       and metered as a 500.</li>
 * </ul>
 * Refusals are GraphQL-shaped JSON with a fixed message: nothing the client sent is echoed.
 * Known gap: a body of declared length under the limit is trusted to Tomcat, which reads no more
 * than declared.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class HttpEdge extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(HttpEdge.class);

    /** The page's policy; its WebSocket goes to the edge ({@link EdgeLocation}), another origin. */
    static final String PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: http: https:; connect-src 'self' %s; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";
    static final String GRAPHIQL_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";
    static final String NOTHING_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private final HttpProperties properties;
    private final PeerListener peers;
    private final Refusals refusals;
    private final EdgeLocation edge;

    public HttpEdge(HttpProperties properties, PeerListener peers, Refusals refusals, EdgeLocation edge) {
        this.properties = properties;
        this.peers = peers;
        this.refusals = refusals;
        this.edge = edge;
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;   // an error page needs the headers as much as any answer
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Content-Security-Policy", policy(path));
        if (isAsyncDispatch(request) || request.getDispatcherType() == jakarta.servlet.DispatcherType.ERROR) {
            chain.doFilter(request, response);
            return;
        }
        if (!served(path, peers.received(request))) {
            refuse(response, 404, ErrorCode.NOT_FOUND, "Not found");
            return;
        }
        long max = properties.maxBodySize().toBytes();
        long declared = request.getContentLengthLong();
        if (declared > max) {
            tooLarge(response, max);
            return;
        }
        try {
            request.getParameterMap();   // a form body, which no route takes, is bounded by Tomcat's max-http-form-post-size
        } catch (IllegalStateException e) {   // Tomcat's InvalidParameterException
            log.debug("Refused a query string that cannot be decoded: {}", e.toString());
            refuse(response, 400, ErrorCode.BAD_REQUEST, "The query string is not valid (bad %-escape or encoding)");
            return;
        }
        if (declared < 0 && request.getHeader("Transfer-Encoding") != null) {
            byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (body.length > max) {
                tooLarge(response, max);
                return;
            }
            chain.doFilter(new ReadBody(request, body), response);
            return;
        }
        chain.doFilter(request, response);
    }

    /** Which listener serves {@code path}: peers get /internal and the actuator, clients the rest. */
    private boolean served(String path, boolean onPeerListener) {
        boolean internal = path.equals("/internal") || path.startsWith("/internal/");
        boolean actuator = path.equals("/actuator") || path.startsWith("/actuator/");
        if (onPeerListener) {
            return internal || actuator;
        }
        if (internal) {
            return false;
        }
        if (actuator && !properties.publicMetrics()) {
            return path.equals("/actuator/health") || path.startsWith("/actuator/health/") || path.equals("/actuator/info");
        }
        if (isGraphiQl(path) && !properties.graphiql()) {
            return false;
        }
        return true;
    }

    private static boolean isGraphiQl(String path) {
        return path.equals("/graphiql") || path.startsWith("/graphiql/") || path.startsWith("/webjars/graphiql/");
    }

    private String policy(String path) {
        if (isGraphiQl(path)) {
            return GRAPHIQL_POLICY;
        }
        if (path.equals("/") || path.equals("/index.html") || path.startsWith("/app/")) {
            return PAGE_POLICY.formatted(edge.connectSources());
        }
        return NOTHING_POLICY;
    }

    private void tooLarge(HttpServletResponse response, long max) throws IOException {
        refusals.count(HttpProperties.MAX_BODY_SIZE);
        response.setHeader("Connection", "close");   // the rest of the body is not worth reading
        refuse(response, 413, ErrorCode.BAD_REQUEST, "The request body is larger than " + max + " bytes ("
                + HttpProperties.MAX_BODY_SIZE + ")");
    }

    private static void refuse(HttpServletResponse response, int status, ErrorCode code, String message) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        byte[] body = code.body(message).getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** A request whose chunked body was read here, within the limit, and is read again from memory. */
    private static final class ReadBody extends HttpServletRequestWrapper {

        private final byte[] body;
        private final ByteArrayInputStream in;

        ReadBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
            this.in = new ByteArrayInputStream(body);
        }

        @Override
        public ServletInputStream getInputStream() {
            return new ServletInputStream() {
                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("a body read into memory is read blocking");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            Charset charset = encoding != null && Charset.isSupported(encoding) ? Charset.forName(encoding) : StandardCharsets.UTF_8;
            return new BufferedReader(new InputStreamReader(in, charset));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
