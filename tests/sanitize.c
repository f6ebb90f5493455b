/* SPDX-License-Identifier: MIT */
/*
 * Linked into every host test program (Makefile, HOST_SANITIZE): what
 * LeakSanitizer is not to report. Only leaks of libatf-c itself (the test
 * case list it builds and never frees) are ignored; a leak of the
 * project's code fails the test.
 */
const char *__lsan_default_suppressions(void);

const char *__lsan_default_suppressions(void)
{
	return "leak:libatf-c.so\n";
}

/* Quiet when nothing is found: kyua takes any stderr of a listing as broken. */
const char *__lsan_default_options(void);

const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
