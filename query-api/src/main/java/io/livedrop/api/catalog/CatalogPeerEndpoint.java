package io.livedrop.api.catalog;

import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.kafka.RecordCodec;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** This instance's share of a drop list, for the instance gathering it (see CatalogQueryService). */
@RestController
class CatalogPeerEndpoint {

    private final CatalogQueryService catalog;

    CatalogPeerEndpoint(CatalogQueryService catalog) {
        this.catalog = catalog;
    }

    @GetMapping(path = CatalogQueryService.DROPS_PATH, produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    byte[] drops(@RequestParam String kind, @RequestParam(required = false) String creatorId,
                 @RequestParam(required = false) String after, @RequestParam int limit) {
        CatalogQueryService.DropFilter filter = CatalogQueryService.DropFilter.of(kind, creatorId);
        return RecordCodec.encodeList(catalog.localDrops(filter, after, Math.min(Math.max(limit, 1), 1000)));
    }

    /** Not served here right now (stores rebalancing): the gathering instance retries. */
    @ExceptionHandler(ApiException.class)
    ResponseEntity<String> notServed(ApiException e) {
        return ResponseEntity.status(e.code() == ErrorCode.BAD_REQUEST ? 400 : 503).body(e.getMessage());
    }
}
