// Text layout helpers for dialogs (pure): wrapping, padding, tables.

/** Word-wraps text to `width` columns; long words are cut. Keeps blank lines. */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const out: string[] = [];
  for (const para of text.split('\n')) {
    if (para.trim() === '') {
      out.push('');
      continue;
    }
    // A line that fits is kept as written (aligned columns stay aligned).
    if (para.length <= w) {
      out.push(para);
      continue;
    }
    // An indented paragraph keeps its indentation on every line it wraps to (hanging
    // indent), unless the indentation leaves too little room.
    const lead = /^ */.exec(para)?.[0] ?? '';
    const indent = lead.length <= w / 2 ? lead : '';
    let line = indent;
    for (const word of para.trimStart().split(/ +/)) {
      let rest = word;
      while (indent.length + rest.length > w) {
        if (line.trim()) out.push(line);
        const room = w - indent.length;
        out.push(indent + rest.slice(0, room));
        rest = rest.slice(room);
        line = indent;
      }
      if (!line.trim()) line = indent + rest;
      else if (line.length + 1 + rest.length <= w) line += ' ' + rest;
      else {
        out.push(line);
        line = indent + rest;
      }
    }
    if (line.trim()) out.push(line);
  }
  return out;
}

export function pad(s: string, width: number): string {
  return s.length >= width ? s.slice(0, width) : s + ' '.repeat(width - s.length);
}

/** Aligned columns within `width`; the widest column gives way first. */
export function table(columns: string[], rows: string[][], width: number): string[] {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const gap = 2;
  while (widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1) > width) {
    const i = widths.indexOf(Math.max(...widths));
    if ((widths[i] ?? 0) <= 4) break;
    widths[i] = (widths[i] ?? 0) - 1;
  }
  const line = (cells: string[]) =>
    cells.map((c, i) => pad(c.length > (widths[i] ?? 0) ? c.slice(0, Math.max(0, (widths[i] ?? 0) - 1)) + '~' : c, widths[i] ?? 0)).join(' '.repeat(gap)).trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join(' '.repeat(gap)), ...rows.map(line)];
}
