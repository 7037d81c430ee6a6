/**
 * CSV for Excel: UTF-8 with a byte-order mark (without it Excel shows Chinese as
 * mojibake), CRLF line ends, RFC 4180 quoting, and formula-injection guarding
 * (a cell starting with = + - @ is prefixed with ' so Excel shows it as text).
 */
export type CsvCell = string | number | boolean | null | undefined;

export const CSV_BOM = '\uFEFF';

export function csvCell(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = typeof v === 'boolean' ? (v ? 'true' : 'false') : v;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[], opts: { bom?: boolean } = {}): string {
  const lines = [header, ...rows].map((r) => r.map(csvCell).join(','));
  return (opts.bom === false ? '' : CSV_BOM) + lines.join('\r\n') + '\r\n';
}
