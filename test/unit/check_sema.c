#include "unit.h"

START_TEST(placeholder_sema)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sema");
	TCase *tc = tcase_create("sema");
	tcase_add_test(tc, placeholder_sema);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
