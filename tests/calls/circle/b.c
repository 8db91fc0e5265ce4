/* b.c — fixture of tests/calls/run: b() calls c(). */
int c(int n);

int b(int n)
{
	return c(n);
}
