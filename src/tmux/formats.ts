// Field tables drive formats: one table gives both the -F template and a typed parser.

/** Separator between fields: printable (survives -u output), and escaped inside our own option values. */
export const FIELD_SEPARATOR = '\u241e';

type Decoder<T> = (raw: string) => T;
export const str: Decoder<string> = (s) => s;
export const int: Decoder<number | null> = (s) => (s === '' ? null : Number(s));
export const bool: Decoder<boolean> = (s) => s === '1';
export const optional: Decoder<string | null> = (s) => (s === '' ? null : s);

export type FieldTable = Readonly<Record<string, readonly [string, Decoder<unknown>]>>;
export type Row<T extends FieldTable> = { [K in keyof T]: ReturnType<T[K][1]> };

/** The -F template for table: `#{var}` fields joined by FIELD_SEPARATOR. */
export function formatFor(table: FieldTable): string {
  return Object.values(table).map(([v]) => `#{${v}}`).join(FIELD_SEPARATOR);
}

/** Parses one output line produced by formatFor(table). Returns null for a malformed line. */
export function parseRow<T extends FieldTable>(table: T, line: string): Row<T> | null {
  const parts = line.split(FIELD_SEPARATOR);
  const keys = Object.keys(table);
  if (parts.length !== keys.length) return null;
  const row: Record<string, unknown> = {};
  keys.forEach((k, i) => { row[k] = table[k]![1](parts[i]!); });
  return row as Row<T>;
}

/** Parses every well-formed line. */
export function parseRows<T extends FieldTable>(table: T, lines: readonly string[]): Row<T>[] {
  return lines.map((l) => parseRow(table, l)).filter((r): r is Row<T> => r !== null);
}
