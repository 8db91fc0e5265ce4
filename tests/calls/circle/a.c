/* a.c — fixture of tests/calls/run: a() calls b(), which closes a circle. */
int b(int n);

int a(int n)
{
	return n > 0 ? b(n - 1) : 0;
}
