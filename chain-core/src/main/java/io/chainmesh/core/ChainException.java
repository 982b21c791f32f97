package io.chainmesh.core;

import io.chainmesh.core.internal.Excerpt;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The one exception type of chainmesh: a refusal or failure with a stable {@link Reason}, the
 * field or byte offset where it was found, and a short message safe to show to a remote caller.
 *
 * <p>Messages never contain keys, MACs or whole header values; where input is quoted it is a
 * capped, escaped excerpt. Decoding arbitrary bytes throws only this type.
 */
public final class ChainException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Reason reason;
  private final String field;
  private final int offset;
  private final String detail;

  private ChainException(Reason reason, String detail, String field, int offset, Throwable cause) {
    super(render(reason, detail, field, offset), cause, false, cause != null);
    this.reason = reason;
    this.detail = detail;
    this.field = field;
    this.offset = offset;
  }

  /** A refusal for {@code reason} with a human-readable {@code detail}. */
  public static ChainException of(Reason reason, String detail) {
    return new ChainException(
        Objects.requireNonNull(reason, "reason"), Objects.requireNonNull(detail, "detail"), null, -1, null);
  }

  /** A refusal found at a field of the descriptor, named as a path such as {@code segments[2].service}. */
  public static ChainException atField(Reason reason, String field, String detail) {
    return new ChainException(
        Objects.requireNonNull(reason, "reason"),
        Objects.requireNonNull(detail, "detail"),
        Objects.requireNonNull(field, "field"),
        -1,
        null);
  }

  /** A refusal found at a byte or character offset of the input. */
  public static ChainException atOffset(Reason reason, int offset, String detail) {
    return new ChainException(
        Objects.requireNonNull(reason, "reason"), Objects.requireNonNull(detail, "detail"), null, offset, null);
  }

  /** A refusal caused by a lower-level failure, whose message is not exposed remotely. */
  public static ChainException caused(Reason reason, String detail, Throwable cause) {
    return new ChainException(
        Objects.requireNonNull(reason, "reason"), Objects.requireNonNull(detail, "detail"), null, -1, cause);
  }

  /**
   * The same refusal with its field path placed under {@code prefix}, e.g. {@code service} under
   * {@code segments[2]} becomes {@code segments[2].service}.
   */
  public ChainException under(String prefix) {
    String path = field == null ? prefix : prefix + "." + field;
    ChainException moved = new ChainException(reason, detail, path, offset, getCause());
    return moved;
  }

  /** Why the request was refused; stable across versions. */
  public Reason reason() {
    return reason;
  }

  /** The descriptor field where the problem was found, as a path like {@code segments[2].service}. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }

  /** The byte or character offset in the input where the problem was found. */
  public OptionalInt offset() {
    return offset < 0 ? OptionalInt.empty() : OptionalInt.of(offset);
  }

  /** The explanation without the reason code and location, safe to show to a remote caller. */
  public String detail() {
    return detail;
  }

  /** Quotes untrusted input for a message: escaped, and capped at a few dozen characters. */
  static String quote(CharSequence input) {
    return Excerpt.of(input);
  }

  private static String render(Reason reason, String detail, String field, int offset) {
    StringBuilder sb = new StringBuilder(reason.code()).append(": ").append(detail);
    if (field != null) {
      sb.append(" (at ").append(field).append(')');
    } else if (offset >= 0) {
      sb.append(" (at offset ").append(offset).append(')');
    }
    return sb.toString();
  }
}
