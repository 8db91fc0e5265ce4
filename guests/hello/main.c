/*
 * hello — the smallest lvm guest: one line on the console, then power off.
 */
#include <libos/console.h>
#include <libos/start.h>

int main(void)
{
	printk("hello: Hello from an lvm guest\n");
	return 0;
}
