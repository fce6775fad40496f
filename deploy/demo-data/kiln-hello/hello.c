/* kiln-hello: tiny greeting program used to exercise the Kiln build farm. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		puts("kiln-hello 1.0");
		return 0;
	}
	puts("Hello from Kiln!");
	return 0;
}
