/*
 * trivial.c — lvm-bench-trivial: the trivial work a process baseline
 * starts. Built static, so starting it costs no dynamic loading; it does
 * nothing and exits 0.
 */
int main(void)
{
	return 0;
}
