package io.attache.bench.jmh;

import io.attache.bench.xds.SyntheticCluster;
import io.attache.controlplane.model.ClusterState;
import io.attache.controlplane.translate.Translator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The control plane's translation of 1,000 Services (5 endpoints each) and 1,000 HTTPRoutes on one
 * Gateway into xDS resources, against a baseline that only hands the state back. The end-to-end
 * picture (10k Services, snapshot build, pushes to fleets) is {@code io.attache.bench.xds}'s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TranslatorBenchmark {
  private final Translator translator = new Translator();
  private ClusterState state;

  @Setup(Level.Trial)
  public void setUp() {
    state = SyntheticCluster.build(1_000, 5, 1_000);
  }

  @Benchmark
  public Object baselineNoOp() {
    return state;
  }

  @Benchmark
  public Object translate1kServices1kRoutes() {
    return translator.translate(state);
  }
}
