/** The largest PostgreSQL `integer` (int4): version numbers, steps and every other int column stop here. */
export const MAX_INT4 = 2_147_483_647;
/** The last page any list may ask for: beyond it the offset alone would scan millions of rows. */
export const MAX_PAGE = 1_000_000;
