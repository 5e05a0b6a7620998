// On a machine never set up as an appliance (no etc/confconsole/appliance.ini under /), a change
// without an explicit root is refused with a message pointing at --demo, and reads say so once
// (issue 9 item 10). The scripts the console would run are stand-ins here (CONFCONSOLE_SBIN,
// as src/system/paths.ts reads it) that only record their call: even a regression of the refusal
// cannot touch this machine.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { REPO, SBIN, readOr, runCommand } from './helpers.js';

const CLI = join(REPO, 'bin/confconsole');
const why =
  missing('system: not an appliance', ['root']) ??
  (existsSync(join(REPO, 'dist/cli.js')) ? undefined : 'dist/ is not built (npm run build)') ??
  (existsSync('/etc/confconsole/appliance.ini') ? 'this machine is set up as an appliance' : undefined);

const dir = mkdtempSync(join(tmpdir(), 'cc-not-appliance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const log = join(dir, 'called.log');
const fakeSbin = join(dir, 'sbin');

/** Stand-ins for every script in sbin/: they record the call and change nothing. */
function standIns(): void {
  rmSync(fakeSbin, { recursive: true, force: true });
  mkdirSync(fakeSbin);
  for (const n of readdirSync(SBIN).filter((x) => x.endsWith('.sh'))) {
    writeFileSync(join(fakeSbin, n), `#!/bin/sh\nprintf '%s\\n' "${n} $*" >>'${log}'\necho '{"ok":true}'\n`);
    chmodSync(join(fakeSbin, n), 0o755);
  }
}

/** confconsole with no --root and no CONFCONSOLE_ROOT: the root is this machine's /. */
const host = (args: string[]) =>
  runCommand(process.execPath, [CLI, ...args], { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, CONFCONSOLE_SBIN: fakeSbin });
const sha = (f: string) => (existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : 'missing');

describe.skipIf(why !== undefined)('a machine that is not an appliance', () => {
  it('refuses every change without --root (exit 1, pointing at --demo); nothing is run', async () => {
    standIns();
    const chrony = sha('/etc/chrony/chrony.conf');
    const changes = [['ntp', 'set', '192.0.2.1'], ['network', 'set', 'eth0', '--dhcp'], ['callhome', 'disable'], ['services', 'restart'], ['power', 'reboot'], ['pcap', 'set', '0']];
    for (const args of changes) {
      const r = await host(['--json', ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.json?.error, args.join(' ')).toMatch(/this machine is not set up as an appliance \(no \/etc\/confconsole\/appliance.ini\): use --demo/);
    }
    expect(readOr(log)).toBe('');
    expect(sha('/etc/chrony/chrony.conf')).toBe(chrony);
  });

  it('reads say it once, and go on', async () => {
    for (const args of [['ntp', 'show'], ['appliance', 'info'], ['network', 'show']]) {
      const r = await host(args);
      expect(r.stderr.match(/not set up as an appliance/g) ?? [], `${args.join(' ')}: ${r.stderr}`).toHaveLength(1);
      expect(r.stderr).toContain('--demo');
    }
  });

  it('an explicit --root / is the operator\'s choice: the change is run', async () => {
    standIns();
    await host(['--root', '/', 'callhome', 'disable']);
    expect(readOr(log)).toMatch(/^callhome\.sh disable/m);
  });
});
