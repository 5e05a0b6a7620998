// The first screens' network notice runs show_network.sh only while there is something to say: a
// change waiting for confirmation or a rollback not yet seen, each a record the network scripts
// keep while it holds (sbin/lib/net.sh NET_PENDING, NET_UNSEEN) and remove once done with. Every
// other start runs no script for it (and loads no execa: 1.2 MB of the executable's RSS). Walked
// through for real on a demo vSensor: nothing, a pending change, its rollback unseen, then seen.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx, Shown } from '../../src/core/types.js';
import { networkNotice } from '../../src/features/network/notice.js';
import { loadTree } from '../../src/menu/trees.js';
import { makePaths } from '../../src/system/paths.js';
import { makeRunner } from '../../src/system/runner.js';
import { endProcessesOf } from '../fault/lib.js';
import { missing } from '../support/requires.js';
import { REPO, runCommand, SBIN, scriptEnv } from './helpers.js';

const CLI = join(REPO, 'bin/confconsole');
const why = missing('system: the network notice', ['bash', 'python3']) ?? (existsSync(join(REPO, 'dist/cli.js')) ? undefined : 'dist/ is not built (npm run build)');
const work = mkdtempSync(join(tmpdir(), 'cc-net-notice-'));
const root = join(work, 'root');
const cli = (args: string[]) => runCommand(process.execPath, [CLI, '--demo', '--root', root, '--profile', 'vsensor', '--json', ...args], scriptEnv(root));

/** The notice as the first screens read it, and the scripts it ran to say it. */
async function notice(): Promise<{ text: string; ran: string[]; seen?: Record<string, string> }> {
  const paths = makePaths(root);
  const real = makeRunner(paths, { CONFCONSOLE_DEMO: '1' });
  const ran: string[] = [];
  const ctx: Ctx = { paths, runner: { script: (name, args, opts) => (ran.push(name), real.script(name, args, opts)) } };
  const n = networkNotice(loadTree('vsensor').menu);
  const s: Shown = await n.show.show(ctx, {});
  return { text: s.kind === 'text' ? s.text : '', ran, ...(s.kind === 'text' && s.seen ? { seen: s.seen } : {}) };
}

describe.skipIf(why !== undefined)('the network notice reads the state only when there is something to say', () => {
  beforeAll(async () => {
    expect((await cli(['ntp', 'show'])).code).toBe(0);
  });
  afterAll(async () => {
    await endProcessesOf(root);
    rmSync(work, { recursive: true, force: true });
  });

  it('the records it looks for are where the network scripts keep them', () => {
    const r = spawnSync('bash', ['-c', '. "$SBIN/lib/common.sh" && . "$SBIN/lib/net.sh" && printf "%s\\n" "$NET_PENDING" "$NET_UNSEEN" "$NET_RB_LOG"'], {
      encoding: 'utf8',
      env: { ...scriptEnv(root), SBIN },
    });
    expect(r.status, r.stderr).toBe(0);
    const p = makePaths(root);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([p.netPending, p.netRollbacksUnseen, p.netRollbackLog]);
  });

  it('nothing waits, nothing rolled back: says nothing and runs no script', async () => {
    expect(await notice()).toEqual({ text: '', ran: [] });
  });

  it('a change waiting for confirmation: the script is run and the notice says it', async () => {
    const r = await cli(['network', 'set', 'eth1', '--static', '--address', '192.0.2.20', '--netmask', '24', '--confirm-timeout', '3600']);
    expect(r.code, r.stderr).toBe(0);
    const n = await notice();
    expect(n.ran).toEqual(['show_network.sh']);
    expect(n.text).toMatch(/^A network change of eth1 waits for confirmation: /);
  });

  it('rolled back, not yet seen: said; once seen, nothing again and no script', async () => {
    const r = await cli(['network', 'rollback']);
    expect(r.code, r.stderr).toBe(0);
    const n = await notice();
    expect(n.ran).toEqual(['show_network.sh']);
    expect(n.text).toMatch(/^Network settings were rolled back since the last login:/);
    expect(n.seen).toEqual({ rollbacks: '1' });
    const paths = makePaths(root);
    const ack = await networkNotice(loadTree('vsensor').menu).seen.apply({ paths, runner: makeRunner(paths, { CONFCONSOLE_DEMO: '1' }) }, {}, { line: () => undefined });
    expect(ack.ok).toBe(true);
    expect(await notice()).toEqual({ text: '', ran: [] });
  });
});
