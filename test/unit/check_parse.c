#include "unit.h"

START_TEST(placeholder_parse)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, placeholder_parse);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
