#include "wisp.h"
const struct provider prov_begin, prov_end, prov_tracepoint, prov_interval, prov_profile, prov_software;
