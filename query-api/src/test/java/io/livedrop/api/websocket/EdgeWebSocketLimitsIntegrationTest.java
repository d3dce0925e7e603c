package io.livedrop.api.websocket;

import java.net.URI;

/** The same bounds, refusals and answers on the edge's socket as on Tomcat's ({@link WebSocketLimitsIntegrationTest}). */
class EdgeWebSocketLimitsIntegrationTest extends WebSocketLimitsIntegrationTest {

    @Override
    URI socketUri() {
        return edgeUri();
    }
}
