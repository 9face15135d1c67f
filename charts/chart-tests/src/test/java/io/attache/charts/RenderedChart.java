package io.attache.charts;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The chart rendered by {@code helm template} (helm-java, Helm in-process) as release {@code rel}
 * in namespace {@code shop}, parsed into typed fabric8 objects: kinds fabric8 knows become their
 * model classes, others (Ambassador's, the Prometheus Operator's, the Gateway API's) {@link
 * GenericKubernetesResource}.
 */
record RenderedChart(List<HasMetadata> objects) {
  static final Path CHART = Path.of("..", "attache");
  static final String RELEASE = "rel";
  static final String NAMESPACE = "shop";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Renders with {@code --set} pairs: {@code render("ratelimit.enabled", false, ...)}. */
  static RenderedChart render(Object... keysAndValues) {
    return render(template(keysAndValues));
  }

  /** Renders with a values file holding {@code yaml}, then {@code --set} pairs. */
  static RenderedChart renderWithValues(String yaml, Object... keysAndValues) {
    return render(template(keysAndValues).withValuesFile(valuesFile(yaml)));
  }

  /** The template command with {@code --set} pairs, for tests that expect it to fail. */
  static TemplateCommand template(Object... keysAndValues) {
    TemplateCommand command = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      command = command.set((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return command;
  }

  static Path valuesFile(String yaml) {
    try {
      Path file = Files.createTempFile("values", ".yaml");
      file.toFile().deleteOnExit();
      return Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RenderedChart render(TemplateCommand command) {
    Object parsed = SERIALIZATION.unmarshal(command.call());
    List<HasMetadata> objects =
        parsed instanceof List<?> list
            ? list.stream().map(HasMetadata.class::cast).toList()
            : List.of((HasMetadata) parsed);
    return new RenderedChart(objects);
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Objects of a kind fabric8 has no model for, such as {@code AuthService}. */
  List<GenericKubernetesResource> all(String kind) {
    return all(GenericKubernetesResource.class).stream()
        .filter(o -> o.getKind().equals(kind))
        .toList();
  }

  <T extends HasMetadata> T get(Class<T> type, String name) {
    return all(type).stream()
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException(type.getSimpleName() + " " + name));
  }

  GenericKubernetesResource get(String kind, String name) {
    return all(kind).stream()
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException(kind + " " + name));
  }

  /** The Deployment of a component: {@code deployment("ext-authz")}. */
  Deployment deployment(String component) {
    return get(Deployment.class, RELEASE + "-" + component);
  }

  Container container(String component) {
    return deployment(component).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  /** A component's environment by variable name, in order. */
  Map<String, EnvVar> env(String component) {
    Map<String, EnvVar> env = new LinkedHashMap<>();
    container(component).getEnv().forEach(e -> env.put(e.getName(), e));
    return env;
  }

  /** The value of one variable; fails when it is not set or comes from a reference. */
  String envValue(String component, String name) {
    EnvVar variable = env(component).get(name);
    if (variable == null || variable.getValue() == null) {
      throw new NoSuchElementException(component + " has no value for " + name);
    }
    return variable.getValue();
  }

  /** "Kind/name" of every object, to compare what two renderings make. */
  List<String> kindsAndNames() {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
  }
}
