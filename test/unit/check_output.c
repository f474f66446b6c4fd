#include "unit.h"

START_TEST(placeholder_output)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("output");
	tcase_add_test(tc, placeholder_output);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
