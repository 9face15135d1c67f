package io.attache.runtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP/2 client that writes frames as told and ignores what the server asks, so a test can do
 * what a well-behaved client library never would: open more streams than the server's SETTINGS
 * allow, or ping it without pause. Headers are HPACK-encoded by Netty's encoder; frames are read
 * and written by hand (RFC 9113 §4.1).
 */
final class RawHttp2 implements AutoCloseable {
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;
  static final long REFUSED_STREAM = 0x7;
  static final long ENHANCE_YOUR_CALM = 0xb;

  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** One frame as read: its type, flags, stream and payload. */
  record Frame(int type, int flags, int stream, byte[] payload) {
    /** The error code of a RST_STREAM or GOAWAY. */
    long errorCode() {
      int at = type == GOAWAY ? 4 : 0;
      return ((payload[at] & 0xffL) << 24)
          | ((payload[at + 1] & 0xff) << 16)
          | ((payload[at + 2] & 0xff) << 8)
          | (payload[at + 3] & 0xff);
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();

  RawHttp2(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
    out.write(PREFACE);
    frame(SETTINGS, 0, 0, new byte[0]);
  }

  /**
   * Opens a gRPC call on {@code stream} and sends nothing more: the server holds the stream open
   * waiting for the request message.
   */
  void openCall(int stream, String path) throws IOException {
    Http2Headers headers =
        new DefaultHttp2Headers()
            .method("POST")
            .scheme("http")
            .path(path)
            .authority("localhost")
            .set("content-type", "application/grpc")
            .set("te", "trailers");
    ByteBuf block = Unpooled.buffer();
    byte[] encoded;
    try {
      encoder.encodeHeaders(stream, headers, block);
      encoded = new byte[block.readableBytes()];
      block.readBytes(encoded);
    } catch (Http2Exception e) {
      throw new IOException(e);
    } finally {
      block.release();
    }
    frame(HEADERS, 0x4, stream, encoded); // END_HEADERS
  }

  void ping(long opaque) throws IOException {
    byte[] payload = new byte[8];
    for (int i = 0; i < 8; i++) {
      payload[i] = (byte) (opaque >>> (56 - 8 * i));
    }
    frame(PING, 0, 0, payload);
  }

  void frame(int type, int flags, int stream, byte[] payload) throws IOException {
    byte[] head = {
      (byte) (payload.length >>> 16),
      (byte) (payload.length >>> 8),
      (byte) payload.length,
      (byte) type,
      (byte) flags,
      (byte) (stream >>> 24),
      (byte) (stream >>> 16),
      (byte) (stream >>> 8),
      (byte) stream
    };
    out.write(head);
    out.write(payload);
    out.flush();
  }

  /**
   * Every frame the server sends within {@code millis} or until it closes the connection. A server
   * SETTINGS is acknowledged as it arrives, as the protocol requires of any client.
   */
  List<Frame> readFor(int millis) throws IOException {
    List<Frame> frames = new ArrayList<>();
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end) {
      socket.setSoTimeout((int) Math.max(1, end - System.currentTimeMillis()));
      Frame frame;
      try {
        frame = read();
      } catch (SocketTimeoutException e) {
        break;
      } catch (IOException closed) {
        break;
      }
      if (frame == null) {
        break;
      }
      if (frame.type() == SETTINGS && (frame.flags() & 0x1) == 0) {
        frame(SETTINGS, 0x1, 0, new byte[0]);
      }
      frames.add(frame);
    }
    return frames;
  }

  /** Whether the server closed the connection (a read sees its end). */
  boolean closedByServer(int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      while (true) {
        if (read() == null) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private Frame read() throws IOException {
    int first = in.read();
    if (first < 0) {
      return null;
    }
    int length = (first << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
    int type = in.readUnsignedByte();
    int flags = in.readUnsignedByte();
    int stream = in.readInt() & 0x7fffffff;
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(type, flags, stream, payload);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
