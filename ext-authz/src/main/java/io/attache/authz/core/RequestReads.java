package io.attache.authz.core;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What of a request a policy reads (its identity methods, rules and response templates), so that
 * remembered decisions are keyed by exactly that: two requests that agree on everything read get
 * the same decision. A part that cannot say what it reads makes the policy {@link #unkeyable}.
 *
 * @param fields the request's scalar attributes read
 * @param headers header names read, lower case
 * @param contextExtensions context extension keys read
 * @param unkeyable why no key can be made (empty when one can)
 */
public record RequestReads(
    Set<Field> fields, Set<String> headers, Set<String> contextExtensions, List<String> unkeyable) {

  /** A request's scalar attributes. */
  public enum Field {
    METHOD,
    HOST,
    PATH,
    QUERY,
    SCHEME,
    SOURCE_ADDRESS,
    SOURCE_PRINCIPAL
  }

  public static final RequestReads NOTHING =
      new RequestReads(Set.of(), Set.of(), Set.of(), List.of());

  public RequestReads {
    fields = Set.copyOf(fields);
    headers = Set.copyOf(new TreeSet<>(headers));
    contextExtensions = Set.copyOf(contextExtensions);
    unkeyable = List.copyOf(unkeyable);
  }

  public static RequestReads fields(Field... fields) {
    return new RequestReads(Set.of(fields), Set.of(), Set.of(), List.of());
  }

  public static RequestReads header(String name) {
    return new RequestReads(
        Set.of(), Set.of(name.toLowerCase(java.util.Locale.ROOT)), Set.of(), List.of());
  }

  public static RequestReads unkeyable(String why) {
    return new RequestReads(Set.of(), Set.of(), Set.of(), List.of(why));
  }

  public RequestReads plus(RequestReads other) {
    Set<Field> allFields = EnumSet.noneOf(Field.class);
    allFields.addAll(fields);
    allFields.addAll(other.fields);
    Set<String> allHeaders = new TreeSet<>(headers);
    allHeaders.addAll(other.headers);
    Set<String> allExtensions = new TreeSet<>(contextExtensions);
    allExtensions.addAll(other.contextExtensions);
    List<String> reasons = new ArrayList<>(unkeyable);
    reasons.addAll(other.unkeyable);
    return new RequestReads(allFields, allHeaders, allExtensions, reasons);
  }

  /** Whether a key can be made. */
  public boolean keyable() {
    return unkeyable.isEmpty();
  }

  /**
   * A plan that reads, from each request, exactly these parts in a fixed order: the values it
   * returns are equal for two requests exactly when the parts are.
   */
  public Keys keys() {
    Set<Field> ordered = EnumSet.noneOf(Field.class);
    ordered.addAll(fields);
    return new Keys(
        List.copyOf(ordered),
        List.copyOf(new TreeSet<>(headers)),
        List.copyOf(new TreeSet<>(contextExtensions)));
  }

  /** The key of a request: the values read, in order; an absent header is {@code null}. */
  public record Keys(List<Field> fields, List<String> headers, List<String> contextExtensions) {
    public List<Object> of(CheckInput input) {
      Object[] values = new Object[fields.size() + headers.size() + contextExtensions.size()];
      int i = 0;
      HttpAttributes http = input.request();
      for (Field field : fields) {
        values[i++] =
            switch (field) {
              case METHOD -> http.method();
              case HOST -> http.host();
              case PATH -> http.path();
              case QUERY -> http.query();
              case SCHEME -> http.scheme();
              case SOURCE_ADDRESS -> input.source().address();
              case SOURCE_PRINCIPAL -> input.source().principal().orElse("");
            };
      }
      Map<String, String> headerValues = http.headers();
      for (String header : headers) {
        values[i++] = headerValues.get(header);
      }
      for (String extension : contextExtensions) {
        values[i++] = input.contextExtensions().get(extension);
      }
      return java.util.Arrays.asList(values);
    }
  }
}
