package io.livedrop.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

/**
 * An in-memory stand-in for the part of Apicurio Registry 3.x's core REST API ({@code /apis/registry/v3}) that the
 * 3.1.x serdes call, answering with the same status codes, content types and JSON shapes as the real server:
 * <ul>
 *   <li>{@code POST /groups/{groupId}/artifacts?ifExists=...&canonical=...}: 200 {@code application/json}
 *       {@code CreateArtifactResponse} ({@code {"artifact": ArtifactMetaData, "version": VersionMetaData}}),
 *       honouring {@code ifExists} FAIL (409) / CREATE_VERSION / FIND_OR_CREATE_VERSION;</li>
 *   <li>{@code GET /ids/contentIds/{contentId}}: 200 {@code application/octet-stream}, the raw content as stored
 *       (the real server answers this endpoint with {@code ArtifactMediaTypes.BINARY});</li>
 *   <li>{@code GET /ids/contentIds/{contentId}/references}: 200 {@code application/json} array of
 *       {@code ArtifactReference};</li>
 *   <li>{@code GET /ids/globalIds/{globalId}}: 200 with the content type the content was registered with;</li>
 *   <li>anything unknown: 404 {@code application/json} {@code ProblemDetails} ({@code status, title, detail,
 *       name}), as the server's {@code CoreRegistryExceptionMapperService} writes it.</li>
 * </ul>
 * Content ids are content-addressed (same content, same contentId, across artifacts); global ids are one per
 * version; both sequences are independent, like the server's. Every request is recorded.
 */
public final class ApicurioRegistryStub implements AutoCloseable {

    static final String API = "/apis/registry/v3";

    private static final Pattern CREATE_ARTIFACT = Pattern.compile(API + "/groups/([^/]+)/artifacts");
    private static final Pattern CONTENT_BY_ID = Pattern.compile(API + "/ids/contentIds/(\\d+)");
    private static final Pattern REFERENCES_BY_CONTENT_ID = Pattern.compile(API + "/ids/contentIds/(\\d+)/references");
    private static final Pattern CONTENT_BY_GLOBAL_ID = Pattern.compile(API + "/ids/globalIds/(\\d+)");
    private static final DateTimeFormatter DATE_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /** One HTTP request as received. */
    record Call(String method, String path, Map<String, String> query, String body, String contentType,
                String accept, String authorization) {

        String line() {
            return method + " " + path;
        }
    }

    private record Content(long contentId, String content, String contentType, JsonNode references) {
    }

    private record Version(String version, long globalId, Content content, String createdOn) {
    }

    private static final class Artifact {
        final String groupId;
        final String artifactId;
        final String artifactType;
        final String createdOn;
        final List<Version> versions = new ArrayList<>();

        Artifact(String groupId, String artifactId, String artifactType, String createdOn) {
            this.groupId = groupId;
            this.artifactId = artifactId;
            this.artifactType = artifactType;
            this.createdOn = createdOn;
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final MockWebServer server = new MockWebServer();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Content> contentByText = new LinkedHashMap<>();
    private final Map<Long, Content> contentById = new LinkedHashMap<>();
    private final Map<Long, Version> versionByGlobalId = new LinkedHashMap<>();
    private final Map<String, Artifact> artifacts = new LinkedHashMap<>();
    private long nextContentId;
    private long nextGlobalId;

    /** The first ids handed out; distinct sequences make it visible which one ends up on the wire. */
    public ApicurioRegistryStub(long firstContentId, long firstGlobalId) throws IOException {
        this.nextContentId = firstContentId;
        this.nextGlobalId = firstGlobalId;
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return handle(request);
            }
        });
        server.start();
    }

    /** The server root, as a user would configure it; the client appends {@code /apis/registry/v3}. */
    public String url() {
        return "http://" + server.getHostName() + ":" + server.getPort();
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<String> requestLines() {
        return calls.stream().map(Call::line).toList();
    }

    /** Registers a schema the way a producer (or an operator) would have, before the test starts. */
    synchronized long register(String groupId, String artifactId, String schema) {
        return createVersion(groupId, artifactId, "AVRO", null, schema, "application/json",
                json.createArrayNode()).content().contentId();
    }

    @Override
    public void close() {
        server.close();
    }

    private synchronized MockResponse handle(RecordedRequest request) {
        HttpUrl url = request.getUrl();
        Map<String, String> query = new LinkedHashMap<>();
        for (String name : url.queryParameterNames()) {
            query.put(name, url.queryParameter(name));
        }
        String body = request.getBody() == null ? "" : request.getBody().utf8();
        calls.add(new Call(request.getMethod(), url.encodedPath(), query, body,
                request.getHeaders().get("Content-Type"), request.getHeaders().get("Accept"),
                request.getHeaders().get("Authorization")));
        try {
            return route(request.getMethod(), url.encodedPath(), query, body);
        } catch (Exception e) {
            return problem(500, "InternalError", "Internal Server Error", "An unexpected error occurred.");
        }
    }

    private MockResponse route(String method, String path, Map<String, String> query, String body)
            throws IOException {
        Matcher m;
        if ("POST".equals(method) && (m = CREATE_ARTIFACT.matcher(path)).matches()) {
            return createArtifact(m.group(1), query, body);
        }
        if ("GET".equals(method) && (m = REFERENCES_BY_CONTENT_ID.matcher(path)).matches()) {
            Content content = contentById.get(Long.parseLong(m.group(1)));
            return content == null ? contentNotFound(m.group(1)) : jsonResponse(200, content.references());
        }
        if ("GET".equals(method) && (m = CONTENT_BY_ID.matcher(path)).matches()) {
            Content content = contentById.get(Long.parseLong(m.group(1)));
            return content == null ? contentNotFound(m.group(1))
                    : new MockResponse.Builder().code(200).setHeader("Content-Type", "application/octet-stream")
                    .body(content.content()).build();
        }
        if ("GET".equals(method) && (m = CONTENT_BY_GLOBAL_ID.matcher(path)).matches()) {
            Version version = versionByGlobalId.get(Long.parseLong(m.group(1)));
            return version == null
                    ? problem(404, "ArtifactNotFoundException", "No artifact with ID '" + m.group(1)
                    + "' in group 'null' was found.", "ArtifactNotFoundException: No artifact with ID '"
                    + m.group(1) + "' in group 'null' was found.")
                    : new MockResponse.Builder().code(200)
                    .setHeader("Content-Type", version.content().contentType())
                    .body(version.content().content()).build();
        }
        return problem(404, "NotFoundException", "HTTP 404 Not Found", "NotFoundException: HTTP 404 Not Found");
    }

    /** {@code GroupsResource.createArtifact}: the body is a {@code CreateArtifact}. */
    private MockResponse createArtifact(String groupId, Map<String, String> query, String body) throws IOException {
        JsonNode request = json.readTree(body);
        String artifactId = request.path("artifactId").asText(null);
        String artifactType = request.path("artifactType").asText(null);
        JsonNode firstVersion = request.path("firstVersion");
        JsonNode versionContent = firstVersion.path("content");
        String content = versionContent.path("content").asText(null);
        String contentType = versionContent.path("contentType").asText(null);
        JsonNode references = versionContent.has("references") ? versionContent.get("references")
                : json.createArrayNode();
        if (artifactId == null || content == null || contentType == null) {
            return problem(400, "BadRequestException", "Missing artifactId, content or contentType",
                    "BadRequestException: Missing artifactId, content or contentType");
        }
        String ifExists = query.getOrDefault("ifExists", "FAIL");
        Artifact existing = artifacts.get(groupId + "/" + artifactId);
        Version version;
        if (existing == null) {
            version = createVersion(groupId, artifactId, artifactType, firstVersion.path("version").asText(null),
                    content, contentType, references);
        } else {
            switch (ifExists) {
                case "FAIL" -> {
                    return problem(409, "ArtifactAlreadyExistsException", "An artifact with ID '" + artifactId
                            + "' in group '" + groupId + "' already exists.", "ArtifactAlreadyExistsException: "
                            + "An artifact with ID '" + artifactId + "' in group '" + groupId + "' already exists.");
                }
                case "CREATE_VERSION" -> version = createVersion(groupId, artifactId, artifactType, null, content,
                        contentType, references);
                case "FIND_OR_CREATE_VERSION" -> version = existing.versions.stream()
                        .filter(v -> v.content().content().equals(content))
                        .reduce((first, second) -> second)
                        .orElseGet(() -> createVersion(groupId, artifactId, artifactType, null, content,
                                contentType, references));
                default -> {
                    return problem(400, "BadRequestException", "Invalid ifExists: " + ifExists,
                            "BadRequestException: Invalid ifExists: " + ifExists);
                }
            }
        }
        Artifact artifact = artifacts.get(groupId + "/" + artifactId);
        ObjectNode response = json.createObjectNode();
        response.set("artifact", artifactMetaData(artifact));
        response.set("version", versionMetaData(artifact, version));
        return jsonResponse(200, response);
    }

    private Version createVersion(String groupId, String artifactId, String artifactType, String requestedVersion,
                                  String content, String contentType, JsonNode references) {
        String now = DATE_FORMAT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Artifact artifact = artifacts.computeIfAbsent(groupId + "/" + artifactId,
                key -> new Artifact(groupId, artifactId, artifactType, now));
        Content stored = contentByText.computeIfAbsent(content, text -> {
            Content c = new Content(nextContentId++, text, contentType, references);
            contentById.put(c.contentId(), c);
            return c;
        });
        String versionName = requestedVersion != null ? requestedVersion : String.valueOf(artifact.versions.size() + 1);
        Version version = new Version(versionName, nextGlobalId++, stored, now);
        artifact.versions.add(version);
        versionByGlobalId.put(version.globalId(), version);
        return version;
    }

    private ObjectNode artifactMetaData(Artifact artifact) {
        ObjectNode node = json.createObjectNode();
        node.put("owner", "");
        node.put("createdOn", artifact.createdOn);
        node.put("modifiedBy", "");
        node.put("modifiedOn", artifact.createdOn);
        node.put("artifactType", artifact.artifactType);
        node.put("groupId", artifact.groupId);
        node.put("artifactId", artifact.artifactId);
        return node;
    }

    private ObjectNode versionMetaData(Artifact artifact, Version version) {
        ObjectNode node = json.createObjectNode();
        node.put("version", version.version());
        node.put("owner", "");
        node.put("createdOn", version.createdOn());
        node.put("artifactType", artifact.artifactType);
        node.put("globalId", version.globalId());
        node.put("state", "ENABLED");
        node.put("groupId", artifact.groupId);
        node.put("contentId", version.content().contentId());
        node.put("artifactId", artifact.artifactId);
        node.put("modifiedBy", "");
        node.put("modifiedOn", version.createdOn());
        return node;
    }

    private MockResponse contentNotFound(String contentId) {
        String title = "No content with id '" + contentId + "' was found.";
        return problem(404, "ContentNotFoundException", title, "ContentNotFoundException: " + title);
    }

    private MockResponse problem(int status, String name, String title, String detail) {
        ObjectNode node = json.createObjectNode();
        node.put("detail", detail);
        node.put("title", title);
        node.put("status", status);
        node.put("name", name);
        return jsonResponse(status, node);
    }

    private MockResponse jsonResponse(int status, JsonNode body) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json")
                .body(body.toString()).build();
    }
}
