#include "unit.h"

START_TEST(placeholder_lex)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lex");
	TCase *tc = tcase_create("lex");
	tcase_add_test(tc, placeholder_lex);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
