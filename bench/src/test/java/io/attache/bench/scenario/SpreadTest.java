package io.attache.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {
  @Test
  void anOddCountHasTheMiddleValueAsMedian() {
    assertThat(Spread.of(List.of(0.9, 0.1, 0.5))).isEqualTo(new Spread(0.5, 0.1, 0.9));
  }

  @Test
  void anEvenCountHasTheMeanOfTheMiddleTwoAsMedian() {
    assertThat(Spread.of(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(new Spread(2.5, 1.0, 4.0));
  }

  @Test
  void oneOutlierMovesTheRangeButNotTheMedian() {
    assertThat(Spread.of(List.of(0.80, 0.82, 0.81, 0.20, 0.79)).median()).isEqualTo(0.80);
  }
}
