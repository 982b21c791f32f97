package io.chainmesh.http.internal;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.Reason;
import okhttp3.MediaType;

/**
 * The one rule for a {@code Content-Type} chainmesh passes on: it must parse as a media type and be
 * sendable again, that is printable ASCII (space and tab allowed). OkHttp parses a quoted parameter
 * holding any character but refuses to send a header value outside that range — with an
 * {@code IllegalArgumentException} at the moment of sending. Deciding it here, when the value
 * arrives, makes a bad value the sender's error ({@code body.malformed}, 400) before anything is
 * reserved or sent.
 */
public final class MediaTypeHeader {
  private MediaTypeHeader() {}

  /**
   * {@code value} as a media type; null for null.
   *
   * @throws ChainException {@code body.malformed} if it is not a sendable media type
   */
  public static MediaType parse(String value) {
    if (value == null) {
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c >= 0x7f) {
        throw malformed();
      }
    }
    MediaType type = MediaType.parse(value);
    if (type == null) {
      throw malformed();
    }
    return type;
  }

  private static ChainException malformed() {
    return ChainException.atField(Reason.BODY_MALFORMED, "Content-Type",
        "the Content-Type is not a media type that can be sent on (type/subtype, parameters of printable ASCII)");
  }
}
