/* low.c — fixture of tests/calls/run: the top; calls high.c and its own
 * static helper(). */
#include "mid.h"

static int helper(void)
{
	return 1;
}

int low(void)
{
	return helper() + high();
}
