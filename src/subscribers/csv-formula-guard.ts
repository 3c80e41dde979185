/*
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or CR before
 * one) as a formula: CSV injection (https://owasp.org/www-community/attacks/CSV_Injection).
 * The export writes such a value after an apostrophe, which spreadsheets show
 * as text; the import takes that apostrophe off again, so a file exported and
 * imported gives back every value exactly (an address such as
 * -ada@example.com included, which would otherwise come back as a second,
 * phantom subscriber '-ada@example.com).
 */

/**
 * What gets the apostrophe: the formula starters, and a value that itself
 * starts with an apostrophe, which the import would otherwise take for the
 * guard and drop.
 */
const GUARDED = /^[=+\-@\t\r']/;

/**
 * `value` safe for a spreadsheet cell.
 *
 * @example
 * guardFormula('=HYPERLINK("https://evil.example")'); // `'=HYPERLINK("https://evil.example")`
 */
export function guardFormula(value: string): string {
  return GUARDED.test(value) ? `'${value}` : value;
}

/**
 * A cell read back: exactly the apostrophe `guardFormula` added comes off, so
 * `unguardFormula(guardFormula(x)) === x` for every x. An apostrophe written
 * by hand before other text (`'Tis`) stays.
 */
export function unguardFormula(cell: string): string {
  return cell.startsWith("'") && GUARDED.test(cell.slice(1)) ? cell.slice(1) : cell;
}
