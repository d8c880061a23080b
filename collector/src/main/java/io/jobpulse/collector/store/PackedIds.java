package io.jobpulse.collector.store;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;

/**
 * Ids written as the bytes their hex digits spell: trace and span ids (lower-case hex, as OTLP's
 * bytes are shown) and workers' instance ids (canonical UUIDs) take half the bytes of their text.
 * Only an id that reads back as the very same text is packed; any other is stored as text.
 */
final class PackedIds {

  private static final char[] DIGITS = "0123456789abcdef".toCharArray();
  private static final int UUID_LENGTH = 36;
  private static final int UUID_BYTES = 16;
  /** Longer hex texts stay text, so a packed id's length is always one byte. */
  private static final int MAX_HEX_LENGTH = 64;

  private PackedIds() {}

  /** Whether {@code id} is an even number, at most 64, of lower-case hex digits. */
  static boolean isHex(String id) {
    int length = id.length();
    if (length == 0 || (length & 1) != 0 || length > MAX_HEX_LENGTH) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (digit(id.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code id} is a UUID as {@link java.util.UUID#toString} writes it. */
  static boolean isUuid(String id) {
    if (id.length() != UUID_LENGTH) {
      return false;
    }
    for (int i = 0; i < UUID_LENGTH; i++) {
      char c = id.charAt(i);
      if (isDash(i) ? c != '-' : digit(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Writes a {@link #isHex} id as a bytes field. */
  static void writeHex(CodedOutputStream out, int field, String hex) throws IOException {
    out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.writeUInt32NoTag(hex.length() / 2);
    writeDigits(out, hex, 0, hex.length());
  }

  /** Writes a {@link #isUuid} id as a bytes field of 16 bytes. */
  static void writeUuid(CodedOutputStream out, int field, String uuid) throws IOException {
    out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.writeUInt32NoTag(UUID_BYTES);
    writeDigits(out, uuid, 0, 8);
    writeDigits(out, uuid, 9, 13);
    writeDigits(out, uuid, 14, 18);
    writeDigits(out, uuid, 19, 23);
    writeDigits(out, uuid, 24, UUID_LENGTH);
  }

  static int hexSize(int field, String hex) {
    return CodedOutputStream.computeTagSize(field) + 1 + hex.length() / 2;
  }

  static int uuidSize(int field) {
    return CodedOutputStream.computeTagSize(field) + 1 + UUID_BYTES;
  }

  static String readHex(CodedInputStream in) throws IOException {
    int length = in.readRawVarint32();
    char[] chars = new char[length * 2];
    for (int i = 0; i < chars.length; i += 2) {
      byte b = in.readRawByte();
      chars[i] = DIGITS[(b >> 4) & 0xf];
      chars[i + 1] = DIGITS[b & 0xf];
    }
    return new String(chars);
  }

  static String readUuid(CodedInputStream in) throws IOException {
    int length = in.readRawVarint32();
    if (length != UUID_BYTES) {
      throw new IOException("a packed UUID of " + length + " bytes");
    }
    char[] chars = new char[UUID_LENGTH];
    for (int i = 0; i < UUID_LENGTH; i += 2) {
      if (isDash(i)) {
        chars[i++] = '-';
      }
      byte b = in.readRawByte();
      chars[i] = DIGITS[(b >> 4) & 0xf];
      chars[i + 1] = DIGITS[b & 0xf];
    }
    return new String(chars);
  }

  private static void writeDigits(CodedOutputStream out, String hex, int from, int to) throws IOException {
    for (int i = from; i < to; i += 2) {
      out.writeRawByte((byte) (digit(hex.charAt(i)) << 4 | digit(hex.charAt(i + 1))));
    }
  }

  private static boolean isDash(int index) {
    return index == 8 || index == 13 || index == 18 || index == 23;
  }

  private static int digit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  }
}
