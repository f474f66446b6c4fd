#include "unit.h"

START_TEST(placeholder_asm)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("asm");
	TCase *tc = tcase_create("asm");
	tcase_add_test(tc, placeholder_asm);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
