/* Exports a misspelt entry symbol: refused as "not a Herald plugin". */
#include "common.h"

HERALD_EXPORT int herald_plugin_entri(void);
int herald_plugin_entri(void) { return 0; }
