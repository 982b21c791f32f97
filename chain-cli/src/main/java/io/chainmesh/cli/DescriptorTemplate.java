package io.chainmesh.cli;

import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainId;
import io.chainmesh.core.ChainJson;
import io.chainmesh.core.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A descriptor in its JSON form (as {@code decode} prints it) used as a template: what a person
 * leaves out that only a fresh descriptor can have (format version, chain id, issue and expiry
 * time) is filled in, and the validity window can be renewed; everything else is read as written,
 * strictly, by {@link ChainJson}.
 */
final class DescriptorTemplate {
  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** The descriptor, and a note per field filled in or renewed (for stderr). */
  record Filled(ChainDescriptor descriptor, List<String> notes) {}

  private DescriptorTemplate() {}

  /**
   * Reads {@code json}.
   *
   * @param now the issue time for a renewed or missing validity window
   * @param renewFor when present, the validity window becomes [now, now + this]; otherwise only a
   *     missing issue or expiry time is filled in (expiry = issue + {@link ChainDescriptor#DEFAULT_LIFETIME})
   * @param deadlineIn when present, the deadline becomes now + this
   * @throws ChainException {@code descriptor.malformed} naming line and column for bad JSON, otherwise
   *     as {@link ChainJson#fromJson}
   */
  static Filled read(String json, Instant now, Optional<Duration> renewFor, Optional<Duration> deadlineIn) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JacksonException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      long offset = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getCharOffset());
      throw ChainException.atOffset(Reason.DESCRIPTOR_MALFORMED, (int) Math.min(Integer.MAX_VALUE, offset),
          "not valid JSON" + where + ": " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      return new Filled(ChainJson.fromJson(json), List.of()); // refused with ChainJson's own message
    }
    ObjectNode o = (ObjectNode) root;
    List<String> notes = new ArrayList<>();
    if (!o.has("version")) {
      o.put("version", ChainDescriptor.MAJOR_VERSION + "." + ChainDescriptor.MINOR_VERSION);
    }
    if (!o.has("chainId")) {
      String id = ChainId.random().toHex();
      o.put("chainId", id);
      notes.add("chainId " + id + " (random: the template has none)");
    }
    Instant issued = now;
    if (renewFor.isPresent()) {
      Duration lifetime = renewFor.get();
      if (lifetime.isZero()) {
        throw ChainException.atField(Reason.DESCRIPTOR_MALFORMED, "expiresAt", "a lifetime of 0 expires at once");
      }
      o.put("issuedAt", now.toString());
      o.put("expiresAt", now.plus(lifetime).toString());
      notes.add("valid " + now + " .. " + now.plus(lifetime) + " (" + DurationText.format(lifetime) + ")");
    } else {
      if (!o.has("issuedAt")) {
        o.put("issuedAt", now.toString());
        notes.add("issuedAt " + now + " (now: the template has none)");
      } else if (o.get("issuedAt").isString()) {
        issued = parseOr(o.get("issuedAt").stringValue(), now);
      }
      if (!o.has("expiresAt")) {
        Instant expires = issued.plus(ChainDescriptor.DEFAULT_LIFETIME);
        o.put("expiresAt", expires.toString());
        notes.add("expiresAt " + expires + " (issue time + " + DurationText.format(ChainDescriptor.DEFAULT_LIFETIME)
            + ": the template has none)");
      }
    }
    deadlineIn.ifPresent(d -> {
      o.put("deadline", now.plus(d).toString());
      notes.add("deadline " + now.plus(d) + " (in " + DurationText.format(d) + ")");
    });
    return new Filled(ChainJson.fromJson(MAPPER.writeValueAsString(o)), notes);
  }

  private static Instant parseOr(String text, Instant fallback) {
    try {
      return Instant.parse(text);
    } catch (java.time.DateTimeException e) {
      return fallback; // ChainJson reports the bad value with its path
    }
  }
}
