package io.livedrop.api.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;

class MalformedRequestsTest {

    private final MalformedRequests resolver = new MalformedRequests();

    @Test
    void aGraphQlRequestPastTheAsyncTimeoutIsAnsweredUnavailableNotABare503() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();

        var answered = resolver.resolveException(new MockHttpServletRequest("POST", "/graphql"), response, null,
                new AsyncRequestTimeoutException());

        assertThat(answered).isNotNull();
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentType()).startsWith("application/json");
        assertThat(response.getContentAsString()).contains("\"code\":\"UNAVAILABLE\"").contains("retry shortly");
    }

    @Test
    void otherPathsAndOtherFailuresAreLeftToSpring() {
        MockHttpServletResponse response = new MockHttpServletResponse();

        assertThat(resolver.resolveException(new MockHttpServletRequest("GET", "/actuator/health"), response, null,
                new AsyncRequestTimeoutException())).isNull();
        assertThat(resolver.resolveException(new MockHttpServletRequest("POST", "/graphql"), response, null,
                new IllegalStateException("boom"))).isNull();
    }
}
