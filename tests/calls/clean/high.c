/* high.c — fixture of tests/calls/run: calls mid.c's helper(), not low.c's
 * static one of the same name. */
#include "mid.h"

int high(void)
{
	return helper("%d", 1);
}
