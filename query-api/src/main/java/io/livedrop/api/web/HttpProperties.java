package io.livedrop.api.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code livedrop.http.*}: the HTTP edge.
 *
 * @param maxBodySize   largest request body read; a larger one is answered 413 before it is read (declared
 *                      Content-Length) or once that many bytes came (chunked). The largest legitimate request is
 *                      an upsertProduct at its field limits (5,000-character description: up to 20 KB of UTF-8,
 *                      plus a 2,000-character URL and a 200-character name), about 23 KB; a document at the
 *                      complexity limit is about 10 KB. 64 KB leaves more than twice that.
 * @param peerPort      port of the peer listener (interactive-query hops between instances, metrics); 0 picks a
 *                      free port at start, which is what the instance advertises to the others (ADR 0010)
 * @param publicMetrics also serve every actuator endpoint (Prometheus, metrics) on the public port; only the
 *                      local profile does, elsewhere they are on the peer listener alone
 * @param graphiql      serve GraphiQL at /graphiql (the local profile does)
 */
@ConfigurationProperties("livedrop.http")
public record HttpProperties(@DefaultValue("64KB") DataSize maxBodySize, @DefaultValue("0") int peerPort,
                             @DefaultValue("false") boolean publicMetrics, @DefaultValue("false") boolean graphiql) {

    /** The setting that bounds request bodies, as {@code Refusals} names it. */
    public static final String MAX_BODY_SIZE = "livedrop.http.max-body-size";
}
