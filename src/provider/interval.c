#include "wisp.h"
