package io.attache.controlplane.source;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits PEM text into its blocks ({@code -----BEGIN TYPE-----} ... {@code -----END TYPE-----}),
 * each body decoded from base64. Text between blocks is ignored, as OpenSSL ignores it. Error
 * messages name block types and positions only, never content: the text may be a private key.
 */
final class PemBlocks {
  private static final Pattern BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END ([A-Z0-9 ]+)-----", Pattern.DOTALL);

  private PemBlocks() {}

  /** One block: its type (e.g. {@code CERTIFICATE}) and the DER bytes of its body. */
  record Block(String type, byte[] der) {}

  /**
   * Every block of {@code text}, in order.
   *
   * @throws IllegalArgumentException when there is none, or a block is malformed or carries headers
   *     (legacy OpenSSL encryption)
   */
  static List<Block> parse(String text) {
    List<Block> blocks = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(text);
    while (matcher.find()) {
      String type = matcher.group(1);
      int number = blocks.size() + 1;
      if (!type.equals(matcher.group(3))) {
        throw new IllegalArgumentException(
            "PEM block " + number + " begins as " + type + " but ends as " + matcher.group(3));
      }
      String body = matcher.group(2);
      if (body.contains(":")) {
        throw new IllegalArgumentException(
            "PEM block " + number + " (" + type + ") has headers: encrypted PEM is not supported");
      }
      try {
        blocks.add(new Block(type, Base64.getDecoder().decode(body.replaceAll("\\s", ""))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "PEM block " + number + " (" + type + ") is not valid base64");
      }
    }
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("not PEM: no -----BEGIN ...----- block");
    }
    return blocks;
  }
}
