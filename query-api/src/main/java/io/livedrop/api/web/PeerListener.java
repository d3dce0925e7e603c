package io.livedrop.api.web;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.connector.Connector;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * The second Tomcat listener, for other instances only (ADR 0010): interactive-query hops
 * ({@code /internal/**}) and every actuator endpoint. It is the address each instance advertises as
 * Kafka Streams' {@code application.server}; the public port serves neither. Port 0 picks a free
 * port at start. Keeping it from clients is the network's job (do not publish it).
 */
@Component
public class PeerListener implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    private final Connector connector;
    private volatile int boundPort;

    public PeerListener(HttpProperties properties) {
        this.connector = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
        this.connector.setPort(properties.peerPort());
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addAdditionalConnectors(connector);
    }

    /**
     * The port peers reach this instance on, once the web server has started; kept while it stops (the graceful
     * shutdown closes the listening socket, which makes Tomcat say -1, while requests still run and route reads).
     */
    public int port() {
        int port = connector.getLocalPort();
        if (port > 0) {
            boundPort = port;
            return port;
        }
        if (boundPort > 0) {
            return boundPort;
        }
        throw new IllegalStateException("the peer listener has not started (livedrop.http.peer-port)");
    }

    /** Whether {@code request} came in on the peer listener. */
    public boolean received(HttpServletRequest request) {
        int port = connector.getLocalPort();
        return request.getLocalPort() == (port > 0 ? port : boundPort);
    }
}
