package io.livedrop.api.edge;

import graphql.ExecutionInput;
import graphql.ParseAndValidate;
import graphql.language.Field;
import graphql.language.OperationDefinition;
import io.livedrop.api.catalog.CatalogQueryService;
import io.livedrop.api.catalog.DropUpdatesFeed;
import io.livedrop.api.catalog.DropView;
import io.livedrop.api.fanout.DocumentShape;
import io.livedrop.api.fanout.LocalRenderer;
import io.livedrop.api.fanout.NotShareableException;
import io.livedrop.api.fanout.ViewerFacts;
import io.livedrop.api.graphql.ApiException;
import io.livedrop.api.query.PeerEndpoint;
import io.livedrop.api.query.StoreUnavailableException;
import io.livedrop.api.security.Viewer;
import io.livedrop.api.social.DropStartedFeed;
import io.livedrop.api.social.SocialService;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.graphql.execution.GraphQlSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The three reads an edge run apart from the ledger asks an API instance for (ADR 0012 §5), on the
 * peer listener only ({@code /internal/edge/**}): a shared render ({@link LocalRenderer}, the event
 * rebuilt from the request), a viewer's following list (only with that viewer's own token), and a
 * drop. Answers are JSON in one form for both ends ({@link #WIRE}: records as objects, instants in
 * ISO-8601); refusals plain text with a fixed message per status ({@link PeerEndpoint#text}):
 * 400 a malformed request (a render's document must parse, validate and select {@code field} at its
 * root), 403 another user's token, 404 no such drop, 422 a selection a shared render cannot answer,
 * 503 nothing could be read or rendered now (ask another instance). A render request is bounded by
 * {@code livedrop.http.max-body-size} (the HTTP edge answers 413 beyond it), which is well above a
 * document at {@code livedrop.websocket.max-message-size} plus a drop.
 *
 * <p>Known gap: a root selected through a fragment is not checked against {@code field}; a mismatch
 * there fails the render (503) instead of a 400.
 */
@RestController
public class EdgeRoleEndpoint {

    public static final String RENDER_PATH = "/internal/edge/render";
    public static final String FOLLOWING_PATH = "/internal/edge/following/";
    public static final String DROPS_PATH = "/internal/edge/drops/";
    /** The JSON of both ends: Jackson 3's defaults write an Instant as ISO-8601 and records as objects. */
    public static final JsonMapper WIRE = JsonMapper.builder().build();
    static final String DROP_STARTED = "dropStarted";
    static final String DROP_UPDATES = "dropUpdates";

    /**
     * A shared render asked by an edge: the {@link DocumentShape} (always shareable), the event
     * ({@code field} says which: {@code dropStarted} with {@code at} its start, {@code dropUpdates} with
     * {@code at} the update's time) and the recipients' {@link ViewerFacts}.
     */
    public record RenderRequest(String field, String key, String document, String operationName,
                                Map<String, Object> variables, DropView drop, Instant at, Map<String, Boolean> follows) {
    }

    private final LocalRenderer renderer;
    private final SocialService social;
    private final CatalogQueryService catalog;
    private final GraphQlSource graphQl;

    public EdgeRoleEndpoint(LocalRenderer renderer, SocialService social, CatalogQueryService catalog,
                            GraphQlSource graphQl) {
        this.renderer = renderer;
        this.social = social;
        this.catalog = catalog;
        this.graphQl = graphQl;
    }

    @PostMapping(path = RENDER_PATH)
    public ResponseEntity<byte[]> render(@RequestBody(required = false) byte[] body) {
        RenderRequest request;
        try {
            request = body == null ? null : WIRE.readValue(body, RenderRequest.class);
        } catch (JacksonException e) {
            return PeerEndpoint.text(HttpStatus.BAD_REQUEST);
        }
        if (!wellFormed(request)) {
            return PeerEndpoint.text(HttpStatus.BAD_REQUEST);
        }
        Object event = DROP_STARTED.equals(request.field())
                ? new DropStartedFeed.DropStarted(request.drop(), request.at())
                : new DropUpdatesFeed.DropUpdate(request.drop(), request.at());
        DocumentShape shape = new DocumentShape(request.key(), request.document(), request.operationName(),
                variables(request), true);
        try {
            return json(renderer.render(shape, event, new ViewerFacts(request.follows())).json());
        } catch (NotShareableException e) {
            return PeerEndpoint.text(HttpStatus.UNPROCESSABLE_CONTENT);
        } catch (IllegalStateException | StoreUnavailableException e) {
            return PeerEndpoint.text(HttpStatus.SERVICE_UNAVAILABLE);
        }
    }

    /** Store failures are answered by {@code web.PeerErrors}: 503 (or 400 for a refused value). */
    @GetMapping(path = FOLLOWING_PATH + "{userId}")
    public ResponseEntity<byte[]> following(@PathVariable String userId) {
        Optional<ResponseEntity<byte[]>> refused = PeerEndpoint.refuseUnlessUser(userId);
        if (refused.isPresent()) {
            return refused.get();
        }
        Jwt token = (Jwt) SecurityContextHolder.getContext().getAuthentication().getPrincipal();
        Set<String> creators = social.followedCreators(Viewer.of(token));
        return json(WIRE.writeValueAsBytes(creators.stream().sorted().toList()));
    }

    /** An invalid id is answered 400 and store failures 503 by {@code web.PeerErrors}. */
    @GetMapping(path = DROPS_PATH + "{dropId}")
    public ResponseEntity<byte[]> drop(@PathVariable String dropId) {
        return catalog.drop(dropId).map(drop -> json(WIRE.writeValueAsBytes(drop)))
                .orElseGet(() -> PeerEndpoint.text(HttpStatus.NOT_FOUND));
    }

    private boolean wellFormed(RenderRequest request) {
        if (request == null || !(DROP_STARTED.equals(request.field()) || DROP_UPDATES.equals(request.field()))
                || request.key() == null || request.document() == null || request.drop() == null
                || request.at() == null || request.drop().status() == null || request.follows() == null
                || request.follows().containsKey(null) || request.follows().containsValue(null)) {
            return false;
        }
        try {
            CatalogQueryService.requireValidId(request.drop().id());
            CatalogQueryService.requireValidId(request.drop().creatorId());
            CatalogQueryService.requireValidId(request.drop().productId());
        } catch (ApiException e) {
            return false;
        }
        return selects(request);
    }

    /** Whether the document is valid and its operation is a subscription whose root fields are {@code field}. */
    private boolean selects(RenderRequest request) {
        var parsed = ParseAndValidate.parseAndValidate(graphQl.schema(), ExecutionInput.newExecutionInput(request.document())
                .operationName(request.operationName()).variables(variables(request)).build());
        if (parsed.isFailure()) {
            return false;
        }
        var operations = parsed.getDocument().getDefinitionsOfType(OperationDefinition.class).stream()
                .filter(op -> request.operationName() == null || request.operationName().equals(op.getName())).toList();
        if (operations.size() != 1 || operations.get(0).getOperation() != OperationDefinition.Operation.SUBSCRIPTION) {
            return false;
        }
        return operations.get(0).getSelectionSet().getSelectionsOfType(Field.class).stream()
                .allMatch(root -> root.getName().equals(request.field()));
    }

    private static Map<String, Object> variables(RenderRequest request) {
        return request.variables() == null ? Map.of() : request.variables();
    }

    private static ResponseEntity<byte[]> json(byte[] body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
