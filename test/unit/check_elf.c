/* check_elf.c - placeholder: being written. */
#include "unit.h"
START_TEST(t_placeholder) { ck_assert_int_eq(1, 1); }
END_TEST
int main(void)
{
	Suite *s = suite_create("elf");
	TCase *tc = tcase_create("placeholder");
	tcase_add_test(tc, t_placeholder);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
