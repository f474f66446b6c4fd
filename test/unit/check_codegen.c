#include "unit.h"

START_TEST(placeholder_codegen)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("codegen");
	TCase *tc = tcase_create("codegen");
	tcase_add_test(tc, placeholder_codegen);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
