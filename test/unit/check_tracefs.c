#include "unit.h"

START_TEST(placeholder_tracefs)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tracefs");
	TCase *tc = tcase_create("tracefs");
	tcase_add_test(tc, placeholder_tracefs);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
