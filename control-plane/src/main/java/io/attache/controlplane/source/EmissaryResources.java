package io.attache.controlplane.source;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.LinkedHashMap;

/**
 * Emissary's {@code getambassador.io} Mappings, Hosts, Listeners and TLSContexts as fabric8 reads
 * them: the spec as YAML gave it, so that {@link io.attache.controlplane.emissary} can name every
 * field it cannot take (a typed model would drop unknown fields silently). The API server converts
 * every stored version to v3alpha1 for a watch; files may also hold v2, whose fields for these
 * kinds are the same.
 */
final class EmissaryResources {
  private EmissaryResources() {}

  /** A Mapping's spec or status, as given. */
  public static final class Fields extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;
  }

  /** {@code getambassador.io/v3alpha1} Mapping. */
  @Group("getambassador.io")
  @Version("v3alpha1")
  @Kind("Mapping")
  @Plural("mappings")
  public static class Mapping extends CustomResource<Fields, Fields> implements Namespaced {
    private static final long serialVersionUID = 1L;
  }

  /** {@code getambassador.io/v2} Mapping, read from files. */
  @Group("getambassador.io")
  @Version("v2")
  @Kind("Mapping")
  @Plural("mappings")
  public static class MappingV2 extends Mapping {
    private static final long serialVersionUID = 1L;
  }

  /** {@code getambassador.io/v3alpha1} Host. */
  @Group("getambassador.io")
  @Version("v3alpha1")
  @Kind("Host")
  @Plural("hosts")
  public static class Host extends CustomResource<Fields, Fields> implements Namespaced {
    private static final long serialVersionUID = 1L;
  }

  /** {@code getambassador.io/v3alpha1} Listener (Emissary has no v2 Listener). */
  @Group("getambassador.io")
  @Version("v3alpha1")
  @Kind("Listener")
  @Plural("listeners")
  public static class Listener extends CustomResource<Fields, Fields> implements Namespaced {
    private static final long serialVersionUID = 1L;
  }

  /** {@code getambassador.io/v3alpha1} TLSContext. */
  @Group("getambassador.io")
  @Version("v3alpha1")
  @Kind("TLSContext")
  @Plural("tlscontexts")
  public static class TlsContext extends CustomResource<Fields, Fields> implements Namespaced {
    private static final long serialVersionUID = 1L;
  }

  /** {@code getambassador.io/v2} TLSContext, read from files. */
  @Group("getambassador.io")
  @Version("v2")
  @Kind("TLSContext")
  @Plural("tlscontexts")
  public static class TlsContextV2 extends TlsContext {
    private static final long serialVersionUID = 1L;
  }

  /** {@code getambassador.io/v2} Host, read from files. */
  @Group("getambassador.io")
  @Version("v2")
  @Kind("Host")
  @Plural("hosts")
  public static class HostV2 extends Host {
    private static final long serialVersionUID = 1L;
  }
}
