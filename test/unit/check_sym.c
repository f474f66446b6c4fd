/* check_sym.c - (being written) */
#include "unit.h"

START_TEST(placeholder)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("sym");
	TCase *tc = tcase_create("all");
	tcase_add_test(tc, placeholder);
	suite_add_tcase(su, tc);
	return unit_run(su);
}
