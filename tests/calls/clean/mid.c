/* mid.c — fixture of tests/calls/run: the global helper(), at the bottom. */
#include "mid.h"

int helper(const char *fmt, ...)
{
	return fmt != 0;
}
