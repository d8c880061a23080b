package io.jobpulse.collector.store;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Ids written as the bytes their hex digits spell: trace and span ids (lower-case hex, as OTLP's
 * bytes are shown) and workers' instance ids (canonical UUIDs) take half the bytes of their text.
 * Only an id that reads back as the very same text is packed; any other is stored as text.
 *
 * <p>Packing runs on the ingest thread for every run written, so each id is read once, checked and
 * packed in the same pass, into a buffer the caller reuses.
 */
public final class PackedIds {

  /** The most bytes a packed id takes: longer hex texts stay text. */
  public static final int MAX_BYTES = 32;

  private static final int UUID_LENGTH = 36;
  private static final int UUID_BYTES = 16;
  private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  /** A character's value as a lower-case hex digit, -1 for any other character below 128. */
  private static final byte[] NIBBLES = new byte[128];

  static {
    Arrays.fill(NIBBLES, (byte) -1);
    for (int i = 0; i < DIGITS.length; i++) {
      NIBBLES[DIGITS[i]] = (byte) i;
    }
  }

  private PackedIds() {}

  /**
   * Packs {@code id}, an even number of lower-case hex digits, into {@code into}.
   *
   * @return the bytes packed, or -1 when {@code id} is not such a text (or longer than {@link #MAX_BYTES} bytes)
   */
  static int packHex(String id, byte[] into) {
    int length = id.length();
    if (length == 0 || (length & 1) != 0 || length > 2 * MAX_BYTES) {
      return -1;
    }
    for (int i = 0; i < length; i += 2) {
      int high = nibble(id.charAt(i));
      int low = nibble(id.charAt(i + 1));
      if ((high | low) < 0) {
        return -1;
      }
      into[i >> 1] = (byte) (high << 4 | low);
    }
    return length >> 1;
  }

  /**
   * Packs {@code id}, a UUID as {@link java.util.UUID#toString} writes it, into 16 bytes of
   * {@code into}.
   *
   * @return 16, or -1 when {@code id} is not such a text
   */
  static int packUuid(String id, byte[] into) {
    if (id.length() != UUID_LENGTH) {
      return -1;
    }
    int packed = 0;
    for (int i = 0; i < UUID_LENGTH; i += 2) {
      if (isDash(i)) {
        if (id.charAt(i++) != '-') {
          return -1;
        }
      }
      // The groups between dashes are 8, 4, 4, 4 and 12 digits: a pair never spans a dash.
      int high = nibble(id.charAt(i));
      int low = nibble(id.charAt(i + 1));
      if ((high | low) < 0) {
        return -1;
      }
      into[packed++] = (byte) (high << 4 | low);
    }
    return packed;
  }

  /**
   * Writes {@code id} into {@code packedField} as the bytes its hex digits spell when it is such a
   * text (see {@link #packHex}), else into {@code textField} as text; nothing when it is {@code
   * null}. {@code scratch} holds the packed bytes meanwhile ({@link #MAX_BYTES} long).
   */
  public static void writeHex(CodedOutputStream out, int textField, int packedField, String id, byte[] scratch)
      throws IOException {
    if (id == null) {
      return;
    }
    int packed = packHex(id, scratch);
    if (packed >= 0) {
      out.writeByteArray(packedField, scratch, 0, packed);
    } else {
      out.writeString(textField, id);
    }
  }

  /** The bytes {@link #writeHex} writes for {@code id}. */
  public static int hexSize(int textField, int packedField, String id, byte[] scratch) {
    if (id == null) {
      return 0;
    }
    int packed = packHex(id, scratch);
    return packed >= 0
        ? CodedOutputStream.computeTagSize(packedField) + CodedOutputStream.computeUInt32SizeNoTag(packed) + packed
        : CodedOutputStream.computeStringSize(textField, id);
  }

  /** An id {@link #writeHex} packed, as text again. */
  public static String readHex(CodedInputStream in) throws IOException {
    byte[] packed = in.readRawBytes(checkedLength(in.readRawVarint32()));
    byte[] text = new byte[packed.length * 2];
    for (int i = 0; i < packed.length; i++) {
      text[2 * i] = DIGITS[(packed[i] >> 4) & 0xf];
      text[2 * i + 1] = DIGITS[packed[i] & 0xf];
    }
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  static String readUuid(CodedInputStream in) throws IOException {
    int length = in.readRawVarint32();
    if (length != UUID_BYTES) {
      throw new IOException("a packed UUID of " + length + " bytes");
    }
    byte[] packed = in.readRawBytes(UUID_BYTES);
    byte[] text = new byte[UUID_LENGTH];
    int next = 0;
    for (int i = 0; i < UUID_LENGTH; i += 2) {
      if (isDash(i)) {
        text[i++] = '-';
      }
      text[i] = DIGITS[(packed[next] >> 4) & 0xf];
      text[i + 1] = DIGITS[packed[next++] & 0xf];
    }
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  private static int checkedLength(int length) throws IOException {
    if (length < 0 || length > MAX_BYTES) {
      throw new IOException("a packed id of " + length + " bytes");
    }
    return length;
  }

  private static boolean isDash(int index) {
    return index == 8 || index == 13 || index == 18 || index == 23;
  }

  private static int nibble(char c) {
    return c < NIBBLES.length ? NIBBLES[c] : -1;
  }
}
