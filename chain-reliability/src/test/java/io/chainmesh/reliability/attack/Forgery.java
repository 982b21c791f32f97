package io.chainmesh.reliability.attack;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.chainmesh.core.internal.proto.Descriptor;
import io.chainmesh.core.internal.proto.Envelope;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What an attacker does to a header on the wire (docs/wire-format.md §4–§6): unwrap the base64url
 * envelope, change the descriptor bytes inside, and either keep the captured MAC or sign with a key
 * of their own. The MAC is computed here from the specification, independently of chain-core.
 */
final class Forgery {
  private static final byte[] LABEL = "chainmesh.v1.envelope".getBytes(StandardCharsets.US_ASCII);

  private Forgery() {}

  static Envelope envelope(String header) {
    try {
      return Envelope.parseFrom(Base64.getUrlDecoder().decode(header));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not an envelope", e);
    }
  }

  static Descriptor descriptor(String header) {
    try {
      return Descriptor.parseFrom(envelope(header).getDescriptorBytes());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a descriptor", e);
    }
  }

  static String encode(Envelope envelope) {
    return encode(envelope.toByteArray());
  }

  static String encode(byte[] envelopeBytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(envelopeBytes);
  }

  /** The captured header with its descriptor changed by {@code change}; key id and MAC kept. */
  static String tampered(String header, UnaryOperator<Descriptor.Builder> change) {
    Envelope e = envelope(header);
    Descriptor changed = change.apply(descriptor(header).toBuilder()).build();
    return encode(e.toBuilder().setDescriptorBytes(changed.toByteString()).build());
  }

  /** {@code descriptor} in an envelope signed with {@code secret} under {@code keyId}, per wire-format §6.2. */
  static String signed(Descriptor descriptor, String keyId, byte[] secret) {
    byte[] bytes = descriptor.toByteArray();
    return encode(Envelope.newBuilder().setVersion(1).setKeyId(keyId).setDescriptorBytes(ByteString.copyFrom(bytes))
        .setMac(ByteString.copyFrom(mac(keyId, secret, bytes))).build());
  }

  /** Raw {@code descriptorBytes}, valid or not, in an envelope signed with {@code secret} under {@code keyId}. */
  static String signedBytes(byte[] descriptorBytes, String keyId, byte[] secret) {
    return encode(Envelope.newBuilder().setVersion(1).setKeyId(keyId)
        .setDescriptorBytes(ByteString.copyFrom(descriptorBytes))
        .setMac(ByteString.copyFrom(mac(keyId, secret, descriptorBytes))).build());
  }

  /** The captured header re-signed after {@code change}, as a holder of {@code secret} could. */
  static String resigned(String header, String keyId, byte[] secret, UnaryOperator<Descriptor.Builder> change) {
    return signed(change.apply(descriptor(header).toBuilder()).build(), keyId, secret);
  }

  /** The captured header with its envelope changed by {@code change}. */
  static String envelopeChanged(String header, UnaryOperator<Envelope.Builder> change) {
    return encode(change.apply(envelope(header).toBuilder()).build());
  }

  /** The captured header with one byte of the envelope XOR-ed with {@code mask}. */
  static String flipped(String header, int index, int mask) {
    byte[] bytes = Base64.getUrlDecoder().decode(header);
    bytes[Math.floorMod(index, bytes.length)] ^= (byte) mask;
    return encode(bytes);
  }

  /** Index, in the envelope bytes, of the first byte of the descriptor bytes. */
  static int descriptorOffset(String header) {
    byte[] envelope = Base64.getUrlDecoder().decode(header);
    byte[] descriptor = envelope(header).getDescriptorBytes().toByteArray();
    for (int i = 0; i + descriptor.length <= envelope.length; i++) {
      if (java.util.Arrays.equals(envelope, i, i + descriptor.length, descriptor, 0, descriptor.length)) {
        return i;
      }
    }
    throw new IllegalArgumentException("descriptor bytes not found in the envelope");
  }

  /** Every string field of the descriptor in {@code header}, as protobuf text; empty if it is none. */
  static String text(String header) {
    if (header == null) {
      return "";
    }
    try {
      return descriptor(header).toString();
    } catch (RuntimeException notADescriptor) {
      return "";
    }
  }

  static byte[] mac(String keyId, byte[] secret, byte[] descriptorBytes) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(LABEL);
      mac.update((byte) 0);
      mac.update((byte) 1);
      byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
      mac.update((byte) id.length);
      mac.update(id);
      return mac.doFinal(descriptorBytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The MAC of {@code header} as base64url, standard base64 and hex: what a leaky body might show. */
  static List<String> macForms(String header) {
    byte[] mac;
    try {
      mac = envelope(header).getMac().toByteArray();
    } catch (RuntimeException notAnEnvelope) {
      return List.of();
    }
    if (mac.length < 8) {
      return List.of();
    }
    return List.of(Base64.getUrlEncoder().withoutPadding().encodeToString(mac),
        Base64.getEncoder().withoutPadding().encodeToString(mac), HexFormat.of().formatHex(mac));
  }
}
