// A damaged record of the network change waiting for confirmation (var/lib/confconsole/
// net-pending.json) is never believed: confirming refuses and names it; rolling back (the
// operator's, or the timer's when it fires) goes back to the settings confirmed last — saved
// before the console's first change — and keeps the damaged record aside. Nobody is left with a
// change that can neither be confirmed nor rolled back.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endProcessesOf } from '../fault/lib.js';
import { missing } from '../support/requires.js';
import { REPO, runCommand, scriptEnv, script } from './helpers.js';

const CLI = join(REPO, 'bin/confconsole');
const why = missing('system: a damaged pending network record', ['root', 'bash', 'python3']) ?? (existsSync(join(REPO, 'dist/cli.js')) ? undefined : 'dist/ is not built (npm run build)');
const work = mkdtempSync(join(tmpdir(), 'cc-net-pending-'));
const seed = join(work, 'seed');
const cli = (root: string, args: string[]) => runCommand(process.execPath, [CLI, '--demo', '--root', root, '--profile', 'vsensor', '--json', ...args], scriptEnv(root));
const PENDING = 'var/lib/confconsole/net-pending.json';
const YAML = 'etc/netplan/01-netcfg.yaml';

/** Each kind of damage a record can have: not JSON, JSON of another shape, a half record, no file. */
const DAMAGES: [string, (f: string, good: string) => void][] = [
  ['bytes that are not UTF-8', (f) => writeFileSync(f, Buffer.from([0xc5, 0x00, 0xff, 0x7b]))],
  ['cut in the middle', (f, good) => writeFileSync(f, good.slice(0, 40))],
  ['a JSON list', (f) => writeFileSync(f, '[1,2]')],
  ['an object without its backup', (f, good) => writeFileSync(f, JSON.stringify({ ...JSON.parse(good), backup: undefined }))],
  ['a deadline that is text', (f, good) => writeFileSync(f, JSON.stringify({ ...JSON.parse(good), deadline: 'soon' }))],
  ['empty', (f) => writeFileSync(f, '')],
  ['a directory', (f) => mkdirSync(f)],
];

describe.skipIf(why !== undefined)('a damaged record of the pending network change', { concurrent: true }, () => {
  let original = '';
  let good = '';
  beforeAll(async () => {
    expect((await cli(seed, ['ntp', 'show'])).code).toBe(0);
    original = readFileSync(join(seed, YAML), 'utf8');
    const r = await cli(seed, ['network', 'set', 'eth1', '--static', '--address', '192.0.2.20', '--netmask', '24', '--confirm-timeout', '3600']);
    expect(r.code, r.stderr).toBe(0);
    good = readFileSync(join(seed, PENDING), 'utf8');
  });
  afterAll(async () => {
    await endProcessesOf(seed);
    for (const d of readdirSync(work)) await endProcessesOf(join(work, d));
    rmSync(work, { recursive: true, force: true });
  });

  it('the first change saved the settings in use as the confirmed ones', () => {
    expect(readFileSync(join(seed, 'var/lib/confconsole/netplan-confirmed.yaml'), 'utf8')).toBe(original);
    expect(readFileSync(join(seed, YAML), 'utf8')).not.toBe(original);
  });

  DAMAGES.forEach(([what, damage], i) => {
    it(`${what}: confirm refuses naming the file; rollback puts back the confirmed settings and keeps the record aside`, async () => {
      const root = join(work, `r${i}`);
      cpSync(seed, root, { recursive: true });
      rmSync(join(root, PENDING));
      damage(join(root, PENDING), good);
      const c = await cli(root, ['network', 'confirm']);
      expect(c.code, c.stdout).toBe(1);
      expect(c.stdout + c.stderr).toContain('net-pending.json');
      expect(c.stdout + c.stderr).toContain('damaged');
      expect(readFileSync(join(root, YAML), 'utf8'), 'nothing confirmed, nothing changed').not.toBe(original);
      const rb = await cli(root, ['network', 'rollback']);
      expect(rb.code, rb.stdout + rb.stderr).toBe(0);
      expect(readFileSync(join(root, YAML), 'utf8')).toBe(original);
      const state = readdirSync(join(root, 'var/lib/confconsole'));
      expect(state).not.toContain('net-pending.json');
      expect(state.some((n) => n.startsWith('net-pending.json.damaged-')), state.join(' ')).toBe(true);
    });
  });

  it('the rollback timer of a change whose record is damaged still rolls back when it fires', async () => {
    const root = join(work, 'timer');
    cpSync(seed, root, { recursive: true });
    writeFileSync(join(root, PENDING), good.slice(0, 30));
    const r = await runCommand(script('net_rollback.sh'), ['--timer', JSON.parse(good).id as string], scriptEnv(root));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, rolled_back: true });
    expect(readFileSync(join(root, YAML), 'utf8')).toBe(original);
  });

  it('a whole record of a newer change is still left alone by an older timer', async () => {
    const root = join(work, 'newer');
    cpSync(seed, root, { recursive: true });
    const r = await runCommand(script('net_rollback.sh'), ['--timer', '20200101T000000-000000'], scriptEnv(root));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, rolled_back: false });
    expect(existsSync(join(root, PENDING))).toBe(true);
  });
});
