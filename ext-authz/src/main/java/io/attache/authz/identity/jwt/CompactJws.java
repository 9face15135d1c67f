package io.attache.authz.identity.jwt;

import static io.attache.authz.core.ReasonCode.TOKEN_MALFORMED;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * A token split into its three JWS compact parts (RFC 7515 section 7.1), each checked strictly
 * before any JOSE library interprets it: unpadded base64url only, UTF-8 JSON objects without
 * duplicate member names. The signature part may be empty, so that an {@code alg: none} token gets
 * as far as the algorithm check and is refused for its algorithm.
 *
 * @param encodedHeader the first part, as received
 * @param encodedPayload the second part, as received
 * @param encodedSignature the third part, as received (maybe empty)
 * @param headerJson the decoded header
 * @param payloadJson the decoded payload
 */
record CompactJws(
    String encodedHeader,
    String encodedPayload,
    String encodedSignature,
    String headerJson,
    String payloadJson) {

  static CompactJws parse(String token) throws Rejection {
    String[] parts = token.split("\\.", -1);
    if (parts.length == 5) {
      throw new Rejection(TOKEN_MALFORMED, "encrypted tokens (JWE) are not accepted");
    }
    if (parts.length != 3) {
      throw new Rejection(TOKEN_MALFORMED, "not three dot-separated parts");
    }
    String header = json("header", decode("header", parts[0], false));
    String payload = json("payload", decode("payload", parts[1], false));
    decode("signature", parts[2], true);
    return new CompactJws(parts[0], parts[1], parts[2], header, payload);
  }

  /** The bytes the signature covers: {@code header.payload} exactly as received. */
  byte[] signingInput() {
    return (encodedHeader + '.' + encodedPayload).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] decode(String what, String part, boolean mayBeEmpty) throws Rejection {
    if (part.isEmpty() && !mayBeEmpty) {
      throw new Rejection(TOKEN_MALFORMED, "empty " + what);
    }
    for (int i = 0; i < part.length(); i++) {
      if (!isBase64UrlChar(part.charAt(i))) {
        throw new Rejection(TOKEN_MALFORMED, what + " is not unpadded base64url");
      }
    }
    try {
      return Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw new Rejection(TOKEN_MALFORMED, what + " is not valid base64url");
    }
  }

  private static String json(String what, byte[] bytes) throws Rejection {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new Rejection(TOKEN_MALFORMED, what + " is not UTF-8");
    }
    Optional<String> problem = StrictJson.problemWithObject(text);
    if (problem.isPresent()) {
      throw new Rejection(TOKEN_MALFORMED, what + " is not acceptable JSON: " + problem.get());
    }
    return text;
  }

  private static boolean isBase64UrlChar(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }
}
