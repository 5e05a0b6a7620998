// readSecret: a secret typed blind on a terminal is asked twice and refused when the two
// differ; from a pipe it is the first line (the scripts' read_secret does the same).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readSecret, UsageError } from '../../src/commands/output.js';

/** A stream that says it is a terminal, and records raw mode. */
function tty(...chunks: string[]) {
  const raw: boolean[] = [];
  const s = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (b: boolean) => raw.push(b) });
  for (const c of chunks) s.write(c);
  return { s, raw };
}

describe('readSecret', () => {
  it('on a terminal: asked twice, the same twice is the secret; raw mode on, then off', async () => {
    for (const chunks of [['K3y0nce\r', 'K3y0nce\r'], ['K3y0nce\rK3y0nce\r'], ['K3y', '0nce\r\nK3y0nce\r\n'], ['K3yx\x7f0nce\rK3y0nce\n']]) {
      const { s, raw } = tty(...chunks);
      const said: string[] = [];
      await expect(readSecret('osSensor HMAC key', s, (t) => said.push(t))).resolves.toBe('K3y0nce');
      expect(said.join('')).toMatch(/Enter the osSensor HMAC key \(it is not shown\): \nEnter the osSensor HMAC key again: \n$/);
      expect(said.join('')).not.toContain('K3y');
      expect(raw).toEqual([true, false]);
    }
  });

  it('on a terminal: two different entries are refused (nothing changed), as is Ctrl+C', async () => {
    for (const [input, msg] of [
      ['K3y0nce\rK3y0ncf\r', /the two entries of the osSensor HMAC key differ: nothing was changed/],
      ['K3y0nce\r\r', /differ/],
      ['K3y\x03', /cancelled/],
    ] as const) {
      const { s, raw } = tty(input);
      await expect(readSecret('osSensor HMAC key', s, () => undefined)).rejects.toThrow(UsageError);
      await expect(readSecret('osSensor HMAC key', tty(input).s, () => undefined)).rejects.toThrow(msg);
      expect(raw.at(-1)).toBe(false);
    }
  });

  it('from a pipe: the first line, CR dropped, asked nothing', async () => {
    for (const [input, want] of [['abc\nrest\n', 'abc'], ['abc\r\n', 'abc'], ['', ''], ['no newline', 'no newline']]) {
      const s = new PassThrough();
      s.end(input);
      const said: string[] = [];
      await expect(readSecret('push token', s, (t) => said.push(t))).resolves.toBe(want);
      expect(said).toEqual([]);
    }
  });
});
