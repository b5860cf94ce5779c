/* Crashes the process: run() dereferences NULL when a contact of the batch
 * has "poison" in its attributes (any other batch continues), as a buggy
 * plugin would. The host cannot survive this; it must report who did it and,
 * after a restart, stop handing that batch over (quarantine). */
#include <string.h>

#include "common.h"

typedef struct crashy {
  const herald_host_api* host;
} crashy;

static crashy the_instance;

static herald_status crashy_create(const herald_host_api* host, herald_step_ctx* ctx,
                                   const char* config_json, void** out_instance) {
  (void)ctx;
  (void)config_json;
  the_instance.host = host;
  *out_instance = &the_instance;
  return HERALD_OK;
}

static void crashy_destroy(void* instance) { (void)instance; }

static void crashy_run(void* instance, const herald_batch* batch, herald_call* call) {
  const herald_host_api* host = ((crashy*)instance)->host;
  for (size_t i = 0; i < batch->count; ++i) {
    if (strstr(batch->contacts[i]->attributes_json, "poison")) {
      volatile int* nowhere = NULL;
      *nowhere = 42; /* SIGSEGV */
    }
  }
  complete_all_continue(host, batch, call);
}

static const herald_step_type crash_type = {sizeof(herald_step_type),
                                            "crashy.null",
                                            "Dereferences NULL on batches with a poisoned contact",
                                            EMPTY_SCHEMA,
                                            0u,
                                            NULL,
                                            crashy_create,
                                            crashy_destroy,
                                            crashy_run,
                                            NULL};

static const herald_step_type* const types[] = {&crash_type};

static const herald_plugin plugin = {sizeof(herald_plugin),
                                     HERALD_ABI_MAJOR,
                                     HERALD_ABI_MINOR,
                                     "crashy",
                                     "0.1.0-test",
                                     "Crashes the process on poisoned batches",
                                     1,
                                     types};

PLUGIN_ENTRY(&plugin)
