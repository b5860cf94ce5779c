/* The entry function returns NULL (a plugin that failed to initialise). */
#include "common.h"

PLUGIN_ENTRY(NULL)
