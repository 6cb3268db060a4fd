#include "add.h"

int twice(int a) { return add(a, a); }
