package io.attache.authz.rules;

import dev.cel.common.values.NullValue;
import io.attache.authz.core.CheckInput;
import io.attache.authz.core.HttpAttributes;
import io.attache.authz.core.Identity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The variables a {@link CelRule} sees for one request. Built once per request and shared by all
 * rules evaluated for it; immutable, so it may be read from several threads.
 *
 * <p>These names are user-facing API: policies are written against them.
 *
 * <p>{@code request}, the HTTP request as Envoy describes it:
 *
 * <ul>
 *   <li>{@code request.method} (string), e.g. {@code "GET"}
 *   <li>{@code request.host} (string), the {@code :authority}
 *   <li>{@code request.path} (string), without the query string
 *   <li>{@code request.query} (string), without {@code ?}; {@code ""} if none
 *   <li>{@code request.headers} (map of string to string), keyed by lower-case header name
 *   <li>{@code request.scheme} (string), {@code "http"} or {@code "https"}
 *   <li>{@code request.source_address} (string), the downstream peer as {@code ip:port}
 *   <li>{@code request.source_principal} (string), the client certificate's URI SAN or subject
 *       under mTLS; {@code ""} if none
 *   <li>{@code request.context_extensions} (map of string to string), the route's {@code
 *       context_extensions} (Emissary puts the Mapping's name there)
 * </ul>
 *
 * <p>{@code identity}, the verified caller:
 *
 * <ul>
 *   <li>{@code identity.principal} (string), e.g. the JWT {@code sub}; {@code "anonymous"} for
 *       anonymous callers
 *   <li>{@code identity.method} (string): {@code "jwt"}, {@code "api_key"}, {@code "mtls"} or
 *       {@code "anonymous"}
 *   <li>{@code identity.claims} (map of string to JSON-like values), the verified JWT claims; empty
 *       for other methods. Values are strings, ints, doubles, bools, {@code null}, lists and maps;
 *       times such as {@code exp} are ints in seconds since the epoch, as in the token
 *   <li>{@code identity.metadata} (map of string to string), what the credential is configured with
 *       (an API key's tier, team, ...)
 * </ul>
 *
 * <p>Reading a key that is absent ({@code identity.claims.role} for a token without {@code role},
 * {@code request.headers['x-tenant']} without that header) is an evaluation error, so the rule
 * fails closed. Test first with {@code has(identity.claims.role)} or {@code 'x-tenant' in
 * request.headers}.
 *
 * <p>Building a context copies nothing that is already in CEL's representation: headers, context
 * extensions and metadata are passed through, and claims are converted only where a value is not
 * (an {@code Integer} becomes an int, a {@code Date} seconds since the epoch).
 */
public final class RuleContext {

  static final String REQUEST = "request";
  static final String IDENTITY = "identity";

  private final Optional<Object> request;
  private final Optional<Object> identity;

  public RuleContext(CheckInput input, Identity identity) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(identity, "identity");
    this.request = Optional.of(new RequestVariable(input));
    this.identity =
        Optional.of(
            Map.of(
                "principal", identity.principal(),
                "method", identity.method(),
                "claims", celMap(identity.claims()),
                "metadata", identity.metadata()));
  }

  /** The activation: {@code request} and {@code identity}. */
  Map<String, Object> variables() {
    return Map.of(REQUEST, request.get(), IDENTITY, identity.get());
  }

  /** One variable by name, as CEL asks for it; empty for any name but the two. */
  Optional<Object> find(String name) {
    return switch (name) {
      case REQUEST -> request;
      case IDENTITY -> identity;
      default -> Optional.empty();
    };
  }

  /**
   * {@code request}: a read-only map over the check's attributes that looks a field up when a rule
   * reads it. A rule reads one or two of the nine; building a nine-entry map on every evaluation
   * cost more than evaluating a short rule's comparisons.
   */
  private static final class RequestVariable extends AbstractMap<String, Object> {
    private static final List<String> FIELDS =
        List.of(
            "method",
            "host",
            "path",
            "query",
            "headers",
            "scheme",
            "source_address",
            "source_principal",
            "context_extensions");

    private final CheckInput input;

    RequestVariable(CheckInput input) {
      this.input = input;
    }

    @Override
    public Object get(Object key) {
      if (!(key instanceof String field)) {
        return null;
      }
      HttpAttributes http = input.request();
      return switch (field) {
        case "method" -> http.method();
        case "host" -> http.host();
        case "path" -> http.path();
        case "query" -> http.query();
        case "headers" -> http.headers();
        case "scheme" -> http.scheme();
        case "source_address" -> input.source().address();
        case "source_principal" -> input.source().principal().orElse("");
        case "context_extensions" -> input.contextExtensions();
        default -> null;
      };
    }

    @Override
    public boolean containsKey(Object key) {
      return get(key) != null;
    }

    @Override
    public int size() {
      return FIELDS.size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, Object>> iterator() {
          Iterator<String> fields = FIELDS.iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return fields.hasNext();
            }

            @Override
            public Entry<String, Object> next() {
              String field = fields.next();
              return new SimpleImmutableEntry<>(field, get(field));
            }
          };
        }

        @Override
        public int size() {
          return FIELDS.size();
        }
      };
    }
  }

  /**
   * The value in CEL's representation: {@code Long} for ints, {@code Double} for doubles, {@link
   * NullValue} for null, string-keyed maps; the same instance when it already is.
   */
  static Object celValue(Object value) {
    if (value == null) {
      return NullValue.NULL_VALUE;
    }
    if (value instanceof String
        || value instanceof Long
        || value instanceof Double
        || value instanceof Boolean
        || value instanceof NullValue) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < Long.SIZE ? (Object) big.longValue() : (Object) big.doubleValue();
    }
    if (value instanceof BigDecimal decimal) {
      return celDecimal(decimal);
    }
    if (value instanceof Map<?, ?> map) {
      return celMap(map);
    }
    if (value instanceof List<?> list) {
      return celList(list);
    }
    if (value instanceof Collection<?> collection) {
      return celList(new ArrayList<>(collection));
    }
    if (value instanceof Date date) {
      return date.getTime() / 1000;
    }
    if (value instanceof Instant instant) {
      return instant.getEpochSecond();
    }
    return value.toString();
  }

  private static Object celDecimal(BigDecimal decimal) {
    try {
      return decimal.longValueExact();
    } catch (ArithmeticException notAnInt) {
      return decimal.doubleValue();
    }
  }

  private static Map<?, ?> celMap(Map<?, ?> map) {
    Map<String, Object> converted = null;
    int index = 0;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      Object key = entry.getKey();
      Object value = entry.getValue();
      Object celValue = celValue(value);
      if (converted == null && (celValue != value || !(key instanceof String))) {
        converted = copyOfFirst(map, index);
      }
      if (converted != null) {
        converted.put(String.valueOf(key), celValue);
      }
      index++;
    }
    return converted == null ? map : Collections.unmodifiableMap(converted);
  }

  /** The first {@code count} entries of {@code map}, which are known to be in CEL form. */
  private static Map<String, Object> copyOfFirst(Map<?, ?> map, int count) {
    Map<String, Object> copy = new HashMap<>(map.size() * 2);
    int index = 0;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (index++ == count) {
        break;
      }
      copy.put((String) entry.getKey(), entry.getValue());
    }
    return copy;
  }

  private static List<?> celList(List<?> list) {
    List<Object> converted = null;
    for (int i = 0; i < list.size(); i++) {
      Object value = list.get(i);
      Object celValue = celValue(value);
      if (converted == null && celValue != value) {
        converted = new ArrayList<>(list.subList(0, i));
      }
      if (converted != null) {
        converted.add(celValue);
      }
    }
    return converted == null ? list : Collections.unmodifiableList(converted);
  }
}
