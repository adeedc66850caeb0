package io.alexnet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TF_CONFIG as orchestrators write it, mapped onto this program's ps and worker tasks. */
class TfConfigTest {

  static final String CLUSTER = "\"cluster\": {\"chief\": [\"c:2222\"], \"worker\":"
      + " [\"w0:2222\", \"w1:2222\"], \"ps\": [\"p0:2222\", \"p1:2222\"]}";

  static TfConfig task(String type, int index) {
    return TfConfig.parse("{" + CLUSTER + ", \"task\": {\"type\": \"" + type + "\", \"index\": "
        + index + "}, \"environment\": \"cloud\"}");
  }

  @Test
  void theChiefIsWorkerZeroAndTheWorkersFollowIt() {
    TfConfig chief = task("chief", 0);
    assertEquals(Map.of("ps", List.of("p0:2222", "p1:2222"),
        "worker", List.of("c:2222", "w0:2222", "w1:2222")), chief.spec().jobs());
    assertEquals(new TfConfig(chief.spec(), "worker", 0), chief);
    assertEquals(new TfConfig(chief.spec(), "worker", 2), task("worker", 1));
    assertEquals(new TfConfig(chief.spec(), "ps", 1), task("ps", 1));
  }

  /** Kubeflow's TFJob with only PS and Worker replicas: worker 0 is the chief. */
  @Test
  void withoutAChiefWorkerZeroIsIt() {
    TfConfig w = TfConfig.parse("{\"cluster\":{\"worker\":[\"a:1\",\"b:1\"],\"ps\":[\"c:1\"]},"
        + "\"task\":{\"type\":\"worker\",\"index\":1}}");
    assertEquals(List.of("a:1", "b:1"), w.spec().jobs().get("worker"));
    assertEquals(1, w.task());
    assertEquals("worker", w.job());
  }

  @Test
  void aMalformedValueNamesTheKeyAndWhatWasExpected() {
    String[][] cases = {
        {"not json", "TF_CONFIG is not JSON"},
        {"[]", "(the whole value): expected a JSON object"},
        {"{\"task\":{\"type\":\"worker\"}}", "cluster: expected a JSON object"},
        {"{\"cluster\":{\"worker\":[\"a:1\"]},\"task\":{\"type\":\"worker\"}}",
            "cluster.ps: expected the addresses of the ps tasks"},
        {"{\"cluster\":{\"ps\":[\"a:1\"]},\"task\":{\"type\":\"ps\"}}",
            "cluster.worker: expected the addresses of the worker tasks"},
        {"{\"cluster\":{\"ps\":[\"a:1\"],\"worker\":[\"b:1\"],\"evaluator\":[\"c:1\"]},"
            + "\"task\":{\"type\":\"worker\"}}", "cluster.evaluator: expected a job this program"},
        {"{\"cluster\":{\"ps\":\"a:1\",\"worker\":[\"b:1\"]},\"task\":{\"type\":\"ps\"}}",
            "cluster.ps: expected a list of \"HOST:PORT\" strings"},
        {"{\"cluster\":{\"ps\":[\"a\"],\"worker\":[\"b:1\"]},\"task\":{\"type\":\"ps\"}}",
            "cluster.ps: expected a list of \"HOST:PORT\" strings, not a"},
        {"{" + CLUSTER + "}", "task: expected a JSON object"},
        {"{" + CLUSTER + ",\"task\":{\"type\":\"evaluator\",\"index\":0}}",
            "task.type: expected chief, worker or ps"},
        {"{" + CLUSTER + ",\"task\":{\"type\":\"worker\",\"index\":2}}",
            "task.index: expected less than the 2 task(s) of cluster.worker, not 2"},
        {"{" + CLUSTER + ",\"task\":{\"type\":\"worker\",\"index\":0.5}}",
            "task.index: expected a whole number"},
        {"{\"cluster\":{\"ps\":[\"a:1\"],\"chief\":[\"b:1\",\"c:1\"]},\"task\":{\"type\":\"ps\"}}",
            "cluster.chief: expected one address"},
        {"[".repeat(100000), "nested more than"},
    };
    for (String[] c : cases) {
      var e = assertThrows(IllegalArgumentException.class, () -> TfConfig.parse(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[1] + " in: " + e.getMessage());
      assertTrue(e.getMessage().startsWith("TF_CONFIG"), e.getMessage());
    }
  }
}
