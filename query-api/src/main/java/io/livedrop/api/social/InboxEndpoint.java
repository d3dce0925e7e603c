package io.livedrop.api.social;

import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.query.InteractiveQueries;
import io.livedrop.api.query.PeerEndpoint;
import io.livedrop.api.query.RecordCodec;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The owner's end of an inbox read routed from another instance; only with that user's token. */
@RestController
class InboxEndpoint {

    private static final int MAX_LIMIT = 101;

    private final SocialService social;

    InboxEndpoint(SocialService social) {
        this.social = social;
    }

    @GetMapping(path = SocialService.INBOX_PATH + "{userId}")
    ResponseEntity<byte[]> inbox(@PathVariable String userId, @RequestParam int partition, @RequestParam boolean stale,
                                 @RequestParam int limit, @RequestParam(required = false) String after) {
        Optional<ResponseEntity<byte[]>> refused = PeerEndpoint.refuseUnlessUser(userId);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            return PeerEndpoint.bytes(RecordCodec.encodeList(
                    social.localInbox(userId, partition, stale, after, Math.min(Math.max(limit, 1), MAX_LIMIT))));
        } catch (InteractiveQueries.NotServedHere e) {
            return PeerEndpoint.text(HttpStatus.SERVICE_UNAVAILABLE);
        } catch (ApiException e) {
            return PeerEndpoint.text(HttpStatus.BAD_REQUEST);
        }
    }
}
