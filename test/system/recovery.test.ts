// A change killed between its steps (kill -9, power loss) is rolled back whole from the
// journal by the next writer or by recover.sh at boot: never INI of one change and
// chrony.conf of another.
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditEntries, fixture, makeRoot, read, removeRoots, runScript, state, waitFor } from './helpers.js';
import { missing } from '../support/requires.js';

const why = missing('system: recovery', ['flock', 'setsid']);
afterAll(removeRoots);

describe.skipIf(why !== undefined)('interrupted changes', () => {
  it('a change killed after its files were replaced is rolled back by recover.sh, services restarted', async () => {
    const r = makeRoot();
    const log = join(r.testDir, 'service.log');
    // the service restart hangs while .test/block exists: the change is caught midway
    const cmd = fixture(r, 'svc', `printf '%s\\n' "$*" >>'${log}'\nwhile [ -f '${r.testDir}/block' ]; do sleep 0.05; done\nexit 0\n`);
    const env = { CONFCONSOLE_SERVICE_CMD: cmd };
    expect((await runScript('set_ntp.sh', ['a.example'], r.dir, env)).code).toBe(0);
    const before = state(r);
    fixture(r, 'block', '');
    let pid = 0;
    const run = runScript('set_ntp.sh', ['b.example'], r.dir, env, { detached: true, onSpawn: (p) => (pid = p) });
    await waitFor('the restart of the new settings', () => existsSync(log) && read(log).split('\n').filter(Boolean).length >= 2);
    expect(read(r.ini)).toContain('b.example'); // both files already new…
    expect(read(r.conf)).toContain('server b.example iburst');
    process.kill(-pid, 'SIGKILL'); // …and the writer dies before it could finish
    await run;
    const txn = join(r.dir, 'var/lib/confconsole/txn');
    expect(existsSync(txn)).toBe(true);
    rmSync(join(r.testDir, 'block'));
    const rec = await runScript('recover.sh', [], r.dir, env);
    expect(rec.code).toBe(0);
    expect(rec.json).toEqual({ ok: true, recovered: true });
    expect(state(r)).toEqual(before);
    expect(existsSync(txn)).toBe(false);
    expect(read(log).trim().split('\n').at(-1)).toBe('restart chrony'); // chrony back on the old settings
    const last = auditEntries(r).at(-1)!;
    expect(last.action).toBe('recover');
    expect(last.detail).toContain('/etc/chrony/chrony.conf');
    // nothing left to do the second time
    expect((await runScript('recover.sh', [], r.dir, env)).json).toEqual({ ok: true, recovered: false });
  });

  it('the next writer recovers first, then makes its own change', async () => {
    const r = makeRoot({ demo: true });
    expect((await runScript('set_ntp.sh', ['a.example'], r.dir)).code).toBe(0);
    const before = state(r);
    // a journal as a writer killed right after replacing appliance.ini would leave it
    const bak = join(r.testDir, 'ini.bak');
    copyFileSync(r.ini, bak);
    writeFileSync(r.ini, before.ini.replace('a.example', 'half.example'));
    mkdirSync(join(r.dir, 'var/lib/confconsole'), { recursive: true });
    writeFileSync(join(r.dir, 'var/lib/confconsole/txn'), `file\t${r.ini}\t${bak}\nsvc\tchrony\n`);
    const res = await runScript('set_ntp.sh', ['c.example'], r.dir);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('an earlier change was interrupted');
    const actions = auditEntries(r).map((e) => `${e.action}: ${e.detail}`);
    expect(actions.at(-2)).toMatch(/^recover: interrupted change rolled back/);
    expect(actions.at(-1)).toBe('ntp.set: servers: a.example -> c.example');
  });
});
