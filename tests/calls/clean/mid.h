/* mid.h — fixture of tests/calls/run: prototypes with an attribute after
 * the declarator, which cscope alone reads as a definition whose body
 * calls the names declared after it. */
int helper(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int high(void);
