// readSettingsSync (the console's start reads appliance.ini before its first frame without the
// thread pool) answers exactly as readSettings: the same settings, the same refusals.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSettings, readSettingsSync } from '../../src/system/settings.js';

const dir = mkdtempSync(join(tmpdir(), 'cc-settings-sync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text?: string) => {
  const p = join(dir, name);
  if (text !== undefined) writeFileSync(p, text);
  return p;
};

async function both(path: string): Promise<[unknown, unknown]> {
  const outcome = async (f: () => unknown) => {
    try {
      return { ok: await f() };
    } catch (e) {
      return { refused: e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e) };
    }
  };
  return [await outcome(() => readSettings(path)), await outcome(() => readSettingsSync(path))];
}

describe('readSettingsSync answers as readSettings', () => {
  it('a good file, a vSensor file with services, a missing file (factory defaults)', async () => {
    for (const p of [
      file('good.ini', '[appliance]\nprofile = appliance\ndemo = true\n[ntp]\nservers = "a.example b.example"\n'),
      file('vsensor.ini', '[appliance]\nprofile = vsensor\n[services]\nnames = "chrony ssh"\n'),
      join(dir, 'missing.ini'),
    ]) {
      const [a, s] = await both(p);
      expect(s).toEqual(a);
      expect(s).toHaveProperty('ok');
    }
  });

  it('a damaged file, a bad value, a directory in its place: the same refusal naming the file', async () => {
    mkdirSync(join(dir, 'adir.ini'));
    for (const p of [file('damaged.ini', '[appliance\nprofile = appliance\n'), file('badvalue.ini', '[appliance]\nprofile = toaster\n'), join(dir, 'adir.ini')]) {
      const [a, s] = await both(p);
      expect(s).toEqual(a);
      expect(JSON.stringify(s)).toContain(p.split('/').pop());
    }
  });
});
