package io.chainmesh.http.internal;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.Reason;
import io.chainmesh.http.BodyCodec;
import java.lang.reflect.Type;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The default {@link BodyCodec}: JSON with Jackson 3, bounded for untrusted input (JSON bombs). */
public final class JacksonBodyCodec implements BodyCodec {
  /** The shared instance. */
  public static final JacksonBodyCodec INSTANCE = new JacksonBodyCodec();

  private final JsonMapper mapper;

  private JacksonBodyCodec() {
    StreamReadConstraints limits = StreamReadConstraints.builder()
        .maxNestingDepth(64)
        .maxNumberLength(100)
        .maxStringLength(1 << 20)
        .maxNameLength(1024)
        .maxTokenCount(1_000_000)
        .build();
    // Duplicate keys are refused: with "last one wins", a check that reads the first and a binding
    // that keeps the last would see two different bodies (a parser differential).
    JsonFactory factory = JsonFactory.builder().streamReadConstraints(limits)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    // 1.5 is not an int: truncating it would bind a number the client did not send (1.5 sofas become 1).
    this.mapper = JsonMapper.builder(factory)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .build();
  }

  @Override
  public String mediaType() {
    return "application/json";
  }

  @Override
  public boolean canRead(String contentType) {
    if (contentType == null || contentType.isEmpty()) {
      return true;
    }
    String type = contentType.toLowerCase(Locale.ROOT);
    int semi = type.indexOf(';');
    if (semi >= 0) {
      type = type.substring(0, semi);
    }
    type = type.strip();
    return type.equals("application/json") || type.endsWith("+json");
  }

  @Override
  public Object read(byte[] body, Type type) {
    try {
      return mapper.readValue(body, mapper.constructType(type));
    } catch (JacksonException e) {
      String where = e.getLocation() == null ? "" : " at byte " + e.getLocation().getByteOffset();
      // Say what kind of problem it is in our words: parser class names are internals, not for remote eyes.
      String why = e instanceof StreamConstraintsException ? "it exceeds the nesting or size limits for bodies"
          : e instanceof DatabindException ? "it does not have the shape of the parameter's type"
          : "it is not well-formed JSON";
      throw ChainException.of(Reason.BODY_MALFORMED, "the body is not valid JSON for the function's parameter"
          + where + ": " + why);
    }
  }

  @Override
  public byte[] write(Object value) {
    return mapper.writeValueAsBytes(value);
  }
}
