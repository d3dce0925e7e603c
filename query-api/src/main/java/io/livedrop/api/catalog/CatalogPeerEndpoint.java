package io.livedrop.api.catalog;

import io.livedrop.api.query.PeerEndpoint;
import io.livedrop.api.query.RecordCodec;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * This instance's share of a drop list, for the instance gathering it (see CatalogQueryService). A
 * refused filter answers 400 and stores not served here 503, in plain text with a fixed message
 * ({@code web.PeerErrors}), never the input.
 */
@RestController
class CatalogPeerEndpoint {

    private final CatalogQueryService catalog;

    CatalogPeerEndpoint(CatalogQueryService catalog) {
        this.catalog = catalog;
    }

    @GetMapping(path = CatalogQueryService.DROPS_PATH)
    ResponseEntity<byte[]> drops(@RequestParam String kind, @RequestParam(required = false) String creatorId,
                 @RequestParam(required = false) String after, @RequestParam int limit) {
        CatalogQueryService.DropFilter filter = CatalogQueryService.DropFilter.of(kind, creatorId);
        return PeerEndpoint.bytes(RecordCodec.encodeList(catalog.localDrops(filter, after, Math.min(Math.max(limit, 1), 1000))));
    }
}
