#include "unit.h"

START_TEST(placeholder_printf)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("printf");
	TCase *tc = tcase_create("printf");
	tcase_add_test(tc, placeholder_printf);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
