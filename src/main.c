#include "wisp.h"
int main(void) { return 0; }
