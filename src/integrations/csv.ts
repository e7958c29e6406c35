/**
 * CSV as a distributed Map's ItemReader reads it (RFC 4180): fields split on the delimiter, double
 * quotes around a field that holds the delimiter, a quote ("") or a line break. Every value stays a
 * string, as on AWS (test_map_item_reader_csv_headers_first_row_typed_headers: "1", "true").
 */

/** ReaderConfig CSVDelimiter → the character. */
export const CSV_DELIMITERS: ReadonlyMap<string, string> = new Map([
  ['COMMA', ','],
  ['PIPE', '|'],
  ['SEMICOLON', ';'],
  ['SPACE', ' '],
  ['TAB', '\t'],
]);

/** The rows of a CSV text; a line with nothing on it is no row. */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  const endRow = (): void => {
    if (row.length > 0 || field !== '' || fieldStarted) rows.push([...row, field]);
    row = [];
    field = '';
    fieldStarted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"' && field === '') {
      quoted = true;
      fieldStarted = true;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
      fieldStarted = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else field += c;
  }
  endRow();
  return rows;
}

/** Rows as objects keyed by `headers`; missing fields are "", fields past the headers are dropped. */
export function csvObjects(rows: readonly string[][], headers: readonly string[]): { [header: string]: string }[] {
  return rows.map((r) => {
    const item: { [header: string]: string } = {};
    headers.forEach((h, i) => Object.defineProperty(item, h, { value: r[i] ?? '', enumerable: true, writable: true, configurable: true }));
    return item;
  });
}
