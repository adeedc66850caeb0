/*
 * The few functions of TensorFlow's C API that classify.c uses, declared from the public ABI
 * (tensorflow/c/c_api.h) so the client builds against the libtensorflow_cc.so.2 inside TF
 * Java's native jar without a separate TensorFlow install or its headers.
 */
#ifndef ALEXNET_TF_C_API_SUBSET_H
#define ALEXNET_TF_C_API_SUBSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct TF_Status TF_Status;
typedef struct TF_Graph TF_Graph;
typedef struct TF_Operation TF_Operation;
typedef struct TF_Session TF_Session;
typedef struct TF_SessionOptions TF_SessionOptions;
typedef struct TF_Tensor TF_Tensor;
typedef struct TF_Buffer TF_Buffer;
typedef struct TF_Output {
  TF_Operation* oper;
  int index;
} TF_Output;

enum { TF_OK = 0 };
enum { TF_FLOAT = 1, TF_INT32 = 3 };

const char* TF_Version(void);
TF_Status* TF_NewStatus(void);
void TF_DeleteStatus(TF_Status*);
int TF_GetCode(const TF_Status*);
const char* TF_Message(const TF_Status*);
TF_Graph* TF_NewGraph(void);
void TF_DeleteGraph(TF_Graph*);
TF_SessionOptions* TF_NewSessionOptions(void);
void TF_DeleteSessionOptions(TF_SessionOptions*);
TF_Session* TF_LoadSessionFromSavedModel(const TF_SessionOptions* session_options,
                                         const TF_Buffer* run_options, const char* export_dir,
                                         const char* const* tags, int tags_len, TF_Graph* graph,
                                         TF_Buffer* meta_graph_def, TF_Status* status);
TF_Operation* TF_GraphOperationByName(TF_Graph* graph, const char* oper_name);
TF_Tensor* TF_AllocateTensor(int dtype, const int64_t* dims, int num_dims, size_t len);
void* TF_TensorData(const TF_Tensor*);
size_t TF_TensorByteSize(const TF_Tensor*);
int TF_NumDims(const TF_Tensor*);
int64_t TF_Dim(const TF_Tensor* tensor, int dim_index);
void TF_DeleteTensor(TF_Tensor*);
void TF_SessionRun(TF_Session* session, const TF_Buffer* run_options, const TF_Output* inputs,
                   TF_Tensor* const* input_values, int ninputs, const TF_Output* outputs,
                   TF_Tensor** output_values, int noutputs,
                   const TF_Operation* const* target_opers, int ntargets,
                   TF_Buffer* run_metadata, TF_Status* status);
void TF_CloseSession(TF_Session*, TF_Status* status);
void TF_DeleteSession(TF_Session*, TF_Status* status);

#endif
