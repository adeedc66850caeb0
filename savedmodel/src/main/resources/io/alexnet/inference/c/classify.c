/*
 * Loads an AlexNet SavedModel with TensorFlow's C API, runs serving_default on a fixed input
 * and prints the outputs, to show that a program in another language reads what the Java side
 * exported.
 *
 *   classify MODEL_VERSION_DIR BATCH SIZE
 *
 * The input is image n, pixel i (row-major over SIZE x SIZE x 3): 2 * sin(0.001 * i + n), the
 * same pattern io.alexnet.inference.CClient feeds from Java. Output: one line per image,
 * "top5: a b c d e" then "probabilities: p0 p1 ...".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "tf_c_api_subset.h"

static int check(TF_Status* s, const char* what) {
  if (TF_GetCode(s) != TF_OK) {
    fprintf(stderr, "classify: %s: %s\n", what, TF_Message(s));
    return 1;
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s MODEL_VERSION_DIR BATCH SIZE\n", argv[0]);
    return 2;
  }
  const char* dir = argv[1];
  int batch = atoi(argv[2]), size = atoi(argv[3]);
  if (batch < 1 || size < 1) {
    fprintf(stderr, "classify: BATCH and SIZE must be positive\n");
    return 2;
  }
  TF_Status* status = TF_NewStatus();
  TF_Graph* graph = TF_NewGraph();
  TF_SessionOptions* opts = TF_NewSessionOptions();
  const char* tags[] = {"serve"};
  TF_Session* session =
      TF_LoadSessionFromSavedModel(opts, NULL, dir, tags, 1, graph, NULL, status);
  TF_DeleteSessionOptions(opts);
  if (check(status, "loading the SavedModel")) return 1;

  TF_Output input = {TF_GraphOperationByName(graph, "images"), 0};
  TF_Output outputs[2] = {{TF_GraphOperationByName(graph, "probabilities"), 0},
                          {TF_GraphOperationByName(graph, "top5"), 0}};
  if (!input.oper || !outputs[0].oper || !outputs[1].oper) {
    fprintf(stderr, "classify: the graph lacks images, probabilities or top5\n");
    return 1;
  }
  int64_t dims[4] = {batch, size, size, 3};
  size_t per = (size_t)size * size * 3;
  TF_Tensor* x = TF_AllocateTensor(TF_FLOAT, dims, 4, batch * per * sizeof(float));
  float* data = (float*)TF_TensorData(x);
  for (int n = 0; n < batch; n++) {
    for (size_t i = 0; i < per; i++) {
      data[n * per + i] = (float)(2.0 * sin(0.001 * (double)i + n));
    }
  }
  TF_Tensor* results[2] = {NULL, NULL};
  TF_SessionRun(session, NULL, &input, &x, 1, outputs, results, 2, NULL, 0, NULL, status);
  TF_DeleteTensor(x);
  if (check(status, "running serving_default")) return 1;

  int classes = (int)TF_Dim(results[0], 1), k = (int)TF_Dim(results[1], 1);
  const float* p = (const float*)TF_TensorData(results[0]);
  const int32_t* top = (const int32_t*)TF_TensorData(results[1]);
  printf("tensorflow %s\n", TF_Version());
  for (int n = 0; n < batch; n++) {
    printf("top5:");
    for (int j = 0; j < k; j++) printf(" %d", top[n * k + j]);
    printf("\nprobabilities:");
    for (int c = 0; c < classes; c++) printf(" %.9g", p[n * classes + c]);
    printf("\n");
  }
  TF_DeleteTensor(results[0]);
  TF_DeleteTensor(results[1]);
  TF_CloseSession(session, status);
  TF_DeleteSession(session, status);
  TF_DeleteGraph(graph);
  TF_DeleteStatus(status);
  return 0;
}
