package io.attache.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/**
 * {@code spec} of an {@link AuthPolicy}: the one model of the policy format. The CRD's schema is
 * generated from it, and ext-authz's policy parser binds files and resources to it and applies the
 * same generated schema rules, so {@code kubectl apply} and a policy file refuse the same mistakes
 * with the same messages. What no schema can check (a regex or a CEL condition that does not
 * compile, an unknown template placeholder) is checked by the parser alone.
 *
 * <p>Every record ignores fields it does not know: the API server prunes them anyway, and a
 * resource written for a newer version of the CRD must not stop an older reader. Lengths are
 * bounded where a CEL rule reads a value, so the API server's rule cost estimate stays small.
 *
 * @param targetRefs HTTPRoutes and Gateways whose routes the control plane sends through ext-authz
 *     with this policy; none: the policy answers only what Envoy or Emissary send by other means
 * @param match which requests the policy answers; absent: all
 * @param identity the methods tried in order; the first whose credential is present decides
 * @param rules CEL rules; the first whose {@code when} holds decides, none holding denies
 * @param cache remembered decisions, keyed by what the policy reads of a request; absent: none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@ValidationRule(
    value = "!has(self.identity) || size(self.identity) > 0",
    message =
        "lists at least one method: jwt, apiKey, mtls, anonymous, basicAuth, introspection,"
            + " serviceAccount or oidc",
    fieldPath = ".identity")
public record AuthPolicySpec(
    @Size(max = 16) List<Target> targetRefs,
    Match match,
    @Required List<Identity> identity,
    List<Rule> rules,
    Response response,
    Deny deny,
    Cache cache) {

  /** The targets as the control plane reads them. */
  public List<TargetRef> targets() {
    return targetRefs == null ? List.of() : targetRefs.stream().map(Target::ref).toList();
  }

  /**
   * A route or Gateway in the policy's namespace (Gateway API policy attachment, GEP-713), or an
   * Emissary Mapping (the route the control plane serves it as).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  @ValidationRule(
      value =
          "has(self.group) && has(self.kind) && ((self.group == 'gateway.networking.k8s.io'"
              + " && self.kind in ['HTTPRoute', 'Gateway'])"
              + " || (self.group == 'getambassador.io' && self.kind == 'Mapping'))",
      messageExpression =
          "'must be an HTTPRoute or a Gateway of group gateway.networking.k8s.io, or a Mapping of"
              + " group getambassador.io, was '"
              + " + (has(self.kind) ? self.kind : '') + ' in group \\''"
              + " + (has(self.group) ? self.group : '') + '\\''",
      fieldPath = ".kind")
  public record Target(
      @Size(max = 253) String group,
      @Required @Size(max = 63) @Pattern("^[A-Z][A-Za-z]*$") String kind,
      @Required @Size(max = 253) @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$") String name,
      @Size(max = 253) String sectionName) {
    TargetRef ref() {
      return new TargetRef(group, kind, name, sectionName);
    }
  }

  /**
   * Every list optional and an empty one matches everything.
   *
   * @param hosts host names, {@code *.} wildcards allowed; port ignored, case-insensitive
   * @param routes names from the request's context extensions ({@code route}, {@code mapping},
   *     {@code name})
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Match(
      List<String> hosts, List<PathMatch> paths, List<String> methods, List<String> routes) {}

  /** One path condition: exactly one of an exact path, a prefix or a regular expression. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  @ValidationRule(
      value =
          "(has(self.exact) ? 1 : 0) + (has(self.prefix) ? 1 : 0) + (has(self.regex) ? 1 : 0) == 1",
      message = "must have exactly one of exact, prefix, regex")
  public record PathMatch(String exact, String prefix, String regex) {}

  /** One identity method. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  @ValidationRule(
      value =
          "(has(self.jwt) ? 1 : 0) + (has(self.apiKey) ? 1 : 0) + (has(self.mtls) ? 1 : 0)"
              + " + (has(self.anonymous) ? 1 : 0) + (has(self.basicAuth) ? 1 : 0)"
              + " + (has(self.introspection) ? 1 : 0) + (has(self.serviceAccount) ? 1 : 0)"
              + " + (has(self.oidc) ? 1 : 0) == 1",
      message =
          "must have exactly one of jwt, apiKey, mtls, anonymous, basicAuth, introspection,"
              + " serviceAccount, oidc")
  public record Identity(
      Jwt jwt,
      ApiKey apiKey,
      Mtls mtls,
      Anonymous anonymous,
      BasicAuth basicAuth,
      Introspection introspection,
      ServiceAccount serviceAccount,
      Oidc oidc) {}

  /**
   * Browser login with OpenID Connect (authorization code flow with PKCE), the session in an
   * encrypted cookie.
   *
   * @param issuerUrl the provider; its endpoints and keys are discovered from it
   * @param sessionKeysRef a Secret in the policy's namespace whose key holds the session keys, one
   *     base64 32-byte key per line, the first sealing (rotation: put a new key first)
   * @param callbackPath the path of the redirect URI, on the host logged in to ({@code
   *     /oauth2/callback})
   * @param logoutPath clears the session ({@code /oauth2/logout})
   * @param postLogoutRedirect where the browser lands after logout ({@code /})
   * @param cookieName the session cookie ({@code attache_session})
   * @param apiClientHeader a request header marking API clients, answered 401 instead of a login
   * @param timeout one call to the token endpoint ({@code 5s})
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  @ValidationRule(
      value = "has(self.clientSecretRef) != has(self.clientSecretFile)",
      message = "needs exactly one of clientSecretRef, clientSecretFile")
  @ValidationRule(
      value = "has(self.sessionKeysRef) != has(self.sessionKeysFile)",
      message = "needs exactly one of sessionKeysRef, sessionKeysFile")
  public record Oidc(
      @Required @Size(min = 1) String issuerUrl,
      @Required @Size(min = 1) String clientId,
      SecretKeyRef clientSecretRef,
      String clientSecretFile,
      SecretKeyRef sessionKeysRef,
      String sessionKeysFile,
      @Size(max = 16) List<String> scopes,
      String callbackPath,
      String logoutPath,
      String postLogoutRedirect,
      String cookieName,
      String apiClientHeader,
      String timeout,
      Boolean allowHttp) {}

  /**
   * Kubernetes service-account tokens, checked by the API server's TokenReview.
   *
   * @param audiences the audiences the token must be for (TokenReview's {@code spec.audiences});
   *     none: the API server's own
   * @param remember how long an answer is kept, e.g. {@code 60s}; never past the token's {@code
   *     exp}
   * @param timeout one review's limit, e.g. {@code 1s}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ServiceAccount(
      @Size(max = 16) List<String> audiences,
      CredentialSource from,
      String remember,
      String timeout) {}

  /**
   * Opaque bearer tokens checked at an OAuth 2.0 introspection endpoint (RFC 7662), the client
   * authenticated with HTTP Basic.
   *
   * @param url the introspection endpoint; https unless {@code allowHttp}
   * @param clientSecretRef a Secret in the policy's namespace holding the client secret
   * @param clientSecretFile or a file holding it (a mounted Secret)
   * @param remember the longest an active answer is kept, e.g. {@code 60s}; never past {@code exp}
   * @param timeout one call's limit, e.g. {@code 1s}
   * @param principalClaim the answer's member naming the caller (default {@code sub}, then {@code
   *     client_id})
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  @ValidationRule(
      value = "has(self.clientSecretRef) != has(self.clientSecretFile)",
      message = "needs exactly one of clientSecretRef, clientSecretFile")
  public record Introspection(
      @Required @Size(min = 1) String url,
      @Required @Size(min = 1) String clientId,
      SecretKeyRef clientSecretRef,
      String clientSecretFile,
      CredentialSource from,
      String remember,
      String timeout,
      String principalClaim,
      Boolean allowHttp) {}

  /** One key of a Secret in the policy's namespace. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SecretKeyRef(
      @Required @Size(min = 1, max = 253) String name, @Size(max = 253) String key) {}

  /**
   * HTTP Basic users (RFC 7617) from an htpasswd file or from labelled Secrets, each Secret's
   * {@code data.auth} an htpasswd file (the key ingress-nginx's basic-auth Secrets use).
   *
   * @param allowLegacyHashes hash formats read besides bcrypt: {@code apr1}, {@code sha1}, {@code
   *     sha256crypt}, {@code sha512crypt}; plain text and DES crypt never
   * @param remember how long a verified password is remembered, e.g. {@code 5m} (default)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  @ValidationRule(
      value = "has(self.htpasswdFile) != has(self.secretSelector)",
      message = "needs exactly one of htpasswdFile, secretSelector")
  public record BasicAuth(
      String htpasswdFile,
      SecretSelector secretSelector,
      @Size(max = 4) List<String> allowLegacyHashes,
      String remember) {}

  /**
   * A JWT bearer token, verified against one key source.
   *
   * @param jwks an inline JWK set, as JSON text
   * @param algorithms allowed algorithms; never {@code none}, never {@code HS*}
   * @param clockSkew tolerance for {@code exp} and {@code nbf}, e.g. {@code 60s}
   * @param requiredType the {@code typ} header tokens must carry ({@code at+jwt}; RFC 8725 explicit
   *     typing), {@code application/} optional, case-insensitive
   * @param allowHttp whether an {@code http://} jwksUrl or issuerUrl (or a discovered {@code
   *     jwks_uri}) may be fetched; keys fetched in the clear can be replaced in transit
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  @ValidationRule(
      value =
          "(has(self.jwksUrl) ? 1 : 0) + (has(self.issuerUrl) ? 1 : 0) + (has(self.jwks) ? 1 : 0) == 1",
      message = "needs exactly one of jwksUrl, issuerUrl, jwks")
  @ValidationRule(
      value = "!has(self.issuers) || size(self.issuers) > 0",
      message = "lists at least one issuer",
      fieldPath = ".issuers")
  public record Jwt(
      @Required List<String> issuers,
      List<String> audiences,
      String jwksUrl,
      String issuerUrl,
      String jwks,
      List<String> algorithms,
      String clockSkew,
      Map<String, String> requiredClaims,
      String principalClaim,
      CredentialSource from,
      @Min(1) Integer maxTokenBytes,
      Boolean requireExpiration,
      @Size(min = 1, max = 255) String requiredType,
      Boolean allowHttp) {}

  /** Where a credential is read: a header (with a prefix to strip) or a query parameter. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  @ValidationRule(
      value = "!has(self.query) || !(has(self.header) || has(self.prefix))",
      message = "a query parameter or a header (with an optional prefix), not both")
  public record CredentialSource(String header, String prefix, String query) {}

  /** API keys: listed here (plain or as SHA-256 digests), in a file, or in labelled Secrets. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  @ValidationRule(
      value =
          "(has(self.keys) ? 1 : 0) + (has(self.keysFile) ? 1 : 0) + (has(self.secretSelector) ? 1 : 0) == 1",
      message = "needs exactly one of keys, keysFile, secretSelector")
  @ValidationRule(
      value = "!has(self.keys) || size(self.keys) > 0",
      message = "lists at least one key",
      fieldPath = ".keys")
  public record ApiKey(
      CredentialSource from, List<Key> keys, String keysFile, SecretSelector secretSelector) {}

  /** One API key and whom it names. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  @ValidationRule(
      value = "has(self.key) != has(self.sha256)",
      message = "must have exactly one of key, sha256")
  public record Key(
      String key,
      @Pattern("^[0-9a-fA-F]{64}$") String sha256,
      @Required @Size(min = 1) String principal,
      Map<String, String> metadata) {}

  /** Secrets holding API keys, chosen by label. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  @ValidationRule(
      value = "!has(self.matchLabels) || size(self.matchLabels) > 0",
      message = "names at least one label",
      fieldPath = ".matchLabels")
  public record SecretSelector(@Required Map<String, String> matchLabels) {}

  /** Client certificates: SPIFFE IDs, DNS names or subjects, {@code *} matching one segment. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  @ValidationRule(
      value = "!has(self.allowed) || size(self.allowed) > 0",
      message = "lists at least one identity or pattern",
      fieldPath = ".allowed")
  public record Mtls(@Required List<String> allowed) {}

  /** Anyone, as principal {@code anonymous}: written {@code anonymous: {}}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Anonymous() {}

  /** A CEL rule; {@code action} allow (the default) or deny, {@code when} true by default. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  @ValidationRule(
      value = "!has(self.action) || self.action.lowerAscii() in ['allow', 'deny']",
      messageExpression = "'must be allow or deny, got \\'' + self.action + '\\''",
      fieldPath = ".action")
  public record Rule(
      @Required @Size(min = 1) String name, @Size(max = 16) String action, String when) {}

  /**
   * What an allowed request carries upstream; values are templates ({@code {identity.principal}}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Response(
      Map<String, String> headers,
      List<String> removeHeaders,
      Map<String, String> dynamicMetadata) {}

  /**
   * Remembered decisions.
   *
   * @param ttl how long an allow or a rule's denial is remembered, e.g. {@code 30s}; never past the
   *     {@code exp} of the caller's token
   * @param invalidCredentialTtl how long a 401 (a missing or bad credential) is, {@code 5s} by
   *     default and never more than {@code ttl}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Cache(@Required @Size(min = 1) String ttl, String invalidCredentialTtl) {}

  /** How a denial reads: the {@code WWW-Authenticate} realm, a body and extra headers. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Deny(String realm, String body, Map<String, String> headers) {}
}
