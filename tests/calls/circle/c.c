/* c.c — fixture of tests/calls/run: c() calls back into a.c. */
int a(int n);

int c(int n)
{
	return a(n);
}
