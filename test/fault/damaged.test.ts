// Damaged, missing and unreadable files, for every file the console reads: each made empty,
// random bytes, cut in the middle, a directory, unreadable (mode 000, read by a root without
// the capability to override it), or missing; then every command that reads it, on the demo
// appliance. Each must end with a named error (the file's name in what it prints) or do its
// job — never a crash (exit 70, a signal, a stack); a missing file may be a normal state. The cases the settings-file contract (issue 10 items 4-6,
// another change) does not meet yet are expected failures (it.fails), listed in KNOWN.
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { REPO, rng, runCommand, scriptEnv, type RunResult } from '../system/helpers.js';
import { endProcessesOf } from './lib.js';
import { writeFigures } from './sampler.js';

const why = missing('fault: damaged, missing and unreadable files', ['root', 'setpriv', 'bash']);
const CLI = join(REPO, 'bin/confconsole');
const built = existsSync(join(REPO, 'dist/cli.js'));

const SHOWS: string[][] = [['network', 'show'], ['ntp', 'show'], ['appliance', 'info'], ['audit', 'show'], ['callhome', 'show'], ['callhome', 'pubkey'], ['master', 'show'], ['ossensor-hmac', 'show'], ['pcap', 'show']];
/** every file the console reads, and the commands that read it */
const FILES: { file: string; readers: string[][] }[] = [
  // the bounded run (npm test): three of the readers of the settings; the long run: all
  { file: 'etc/confconsole/appliance.ini', readers: process.env.CONFCONSOLE_FAULT_REPORT ? SHOWS : SHOWS.slice(0, 3) },
  { file: 'etc/chrony/chrony.conf', readers: [['ntp', 'show'], ['ntp', 'set', 'ntp.example.org']] },
  { file: 'etc/netplan/01-netcfg.yaml', readers: [['network', 'show']] },
  { file: 'var/lib/confconsole/net-pending.json', readers: [['network', 'show'], ['network', 'confirm'], ['network', 'rollback']] },
  { file: 'var/lib/confconsole/net-rollbacks-unseen.json', readers: [['network', 'show']] },
  { file: 'var/lib/confconsole/demo-links.json', readers: [['network', 'show']] },
  { file: 'var/log/confconsole/audit.log', readers: [['audit', 'show']] },
  { file: 'etc/hostname', readers: [['appliance', 'info']] },
  { file: 'etc/confconsole/secrets/push_token', readers: [['master', 'show'], ['master', 'test']] },
  { file: 'etc/confconsole/secrets/ossensor_hmac', readers: [['ossensor-hmac', 'show']] },
  { file: 'var/lib/confconsole/txn', readers: [['ntp', 'set', 'ntp.example.org']] },
  // the Healthcheck's inputs: each becomes a row naming the file
  { file: 'var/lib/confconsole/ossensors.json', readers: [['health']] },
  { file: 'var/log/apt/history.log', readers: [['health']] },
  { file: 'sys/kernel/security/apparmor/profiles', readers: [['health']] },
];
const DAMAGE = ['empty', 'random', 'cut', 'directory', 'unreadable', 'missing'] as const;
type Damage = (typeof DAMAGE)[number];

/**
 * Cases the console does not meet yet: "FILE DAMAGE COMMAND". Found by this test; each is an
 * expected failure (it.fails) until it is fixed, so a fix shows up as a failure to remove here.
 */
const KNOWN = new Set<string>([
  // none left: a damaged pending record, demo link record or stored push token is named (and the
  // pending change can still be rolled back: test/system/net-pending-damaged.test.ts)
]);

describe.skipIf(why !== undefined || !built)('fault: damaged, missing and unreadable files', { concurrent: true }, () => {
  let seedRoot = '';
  const work = mkdtempSync(join(tmpdir(), 'cc-fault-damaged-'));
  const fakeBin = join(work, 'bin');
  // (the Healthcheck waits only 1 s for packets on the demo's capture interface)
  const envOf = (root: string) => ({ ...scriptEnv(root), PATH: `${fakeBin}:${process.env.PATH}`, CONFCONSOLE_HEALTH_WINDOW: '1' });
  const figures = { cases: 0, named: 0, fine: 0, crashes: 0, unnamed: 0, known: 0 };
  beforeAll(async () => {
    // a demo vSensor seeded by the console, with a change pending, a push token and a rollback to see
    seedRoot = join(work, 'seed');
    const env = scriptEnv(seedRoot);
    const cli = (args: string[], input = '') => runCommand(process.execPath, [CLI, '--demo', '--root', seedRoot, '--profile', 'vsensor', '--json', ...args], env, input);
    for (const [args, input] of [
      [['ntp', 'show']],
      [['master', 'set', 'push-token', '--host', '192.0.2.5'], 'lab:Abcdefghijklmnopqrstuv\n'],
      [['ossensor-hmac', 'set'], 'Abcdefghijklmnopqrstuv\n'],
      [['network', 'set', 'eth1', '--static', '--address', '192.0.2.20', '--netmask', '24', '--confirm-timeout', '3600']],
      [['network', 'rollback']],
      [['network', 'set', 'eth1', '--static', '--address', '192.0.2.21', '--netmask', '24', '--confirm-timeout', '3600']],
    ] as [string[], string?][]) {
      const r = await cli(args, input);
      if (r.code !== 0) throw new Error(`seeding: ${args.join(' ')}: ${r.code} ${r.stderr}`);
    }
    writeFileSync(join(seedRoot, 'etc/hostname'), 'sensor-01\n');
    // updates enabled, with one upgrade in apt's log (the Healthcheck reads it)
    mkdirSync(join(seedRoot, 'etc/apt/auth.conf.d'), { recursive: true });
    writeFileSync(join(seedRoot, 'etc/apt/auth.conf.d/confconsole-updates.conf'), 'machine updates.example login vsensor password x\n', { mode: 0o600 });
    mkdirSync(join(seedRoot, 'var/log/apt'), { recursive: true });
    writeFileSync(join(seedRoot, 'var/log/apt/history.log'), '\nStart-Date: 2026-11-01  10:00:00\nUpgrade: vsensor-probe:amd64 (1, 2)\nEnd-Date: 2026-11-01  10:00:09\n');
    // a damaged settings file can hide the demo flag (issue 10 item 5): whatever then reaches
    // for the host meets stand-ins that only record it
    mkdirSync(fakeBin, { recursive: true });
    for (const c of ['reboot', 'shutdown', 'poweroff', 'halt', 'systemctl', 'service', 'netplan', 'systemd-run', 'autossh', 'tcpdump', 'dhclient', 'ssh-keygen']) {
      writeFileSync(join(fakeBin, c), `#!/bin/sh\nprintf '%s\\n' "${c} $*" >>'${join(work, 'host-commands.log')}'\nexit 1\n`);
      chmodSync(join(fakeBin, c), 0o755);
    }
    mkdirSync(join(seedRoot, 'var/lib/confconsole'), { recursive: true });
  });
  afterAll(async () => {
    await endProcessesOf(seedRoot); // the rollback timer of the seeded pending change
    const host = existsSync(join(work, 'host-commands.log')) ? readFileSync(join(work, 'host-commands.log'), 'utf8').trim().split('\n') : [];
    writeFigures('damaged', { ...figures, hostCommands: host.length });
    if (host.length) console.info(`fault damaged: commands for the host from a demo root (issue 10 item 5): ${[...new Set(host)].slice(0, 8).join('; ')}`);
    console.info(`fault damaged: ${JSON.stringify(figures)}`);
    rmSync(work, { recursive: true, force: true });
  });

  const R = rng(10);
  let n = 0;
  for (const { file, readers } of FILES)
    for (const damage of DAMAGE)
      for (const cmd of readers) {
        const name = `${file} ${damage} ${cmd.join(' ')}`;
        const known = KNOWN.has(name);
        const bytes = Buffer.from(Array.from({ length: 600 }, () => R.int(0, 255)));
        (known ? it.fails : it)(name, async () => {
          const root = join(work, `r${n++}`);
          cpSync(seedRoot, root, { recursive: true });
          const f = join(root, file);
          const good = existsSync(f) ? readFileSync(f) : Buffer.from('x = 1\n');
          rmSync(f, { recursive: true, force: true });
          mkdirSync(dirname(f), { recursive: true });
          if (damage === 'empty') writeFileSync(f, '');
          else if (damage === 'random') writeFileSync(f, bytes);
          else if (damage === 'cut') writeFileSync(f, good.subarray(0, Math.max(1, Math.floor(good.length / 2) - 3)));
          else if (damage === 'directory') mkdirSync(f);
          else if (damage === 'unreadable') {
            writeFileSync(f, good);
            chmodSync(f, 0);
          }
          // unreadable: root without the capabilities that read any file whatever its mode
          const argv = [CLI, '--demo', '--root', root, '--profile', 'vsensor', '--json', ...cmd];
          // the Healthcheck tries the seeded master: in a network of its own (loopback only, down)
          const own = cmd[0] === 'health' ? ['unshare', '-n'] : [];
          const [prog, ...rest] = [...own, ...(damage === 'unreadable' ? ['setpriv', '--inh-caps=-dac_override,-dac_read_search', '--bounding-set=-dac_override,-dac_read_search', '--'] : []), process.execPath, ...argv];
          const r: RunResult = await runCommand(prog!, rest, envOf(root), '', { loopbackDns: true });
          const out = r.stdout + r.stderr;
          figures.cases++;
          if (known) figures.known++;
          const crashed = r.signal !== null || r.code === 70 || /\bat .+\.(js|ts):\d+|Traceback|internal error/i.test(out);
          const named = out.includes(basename(file));
          if (crashed) figures.crashes++;
          else if (r.code === 0) figures.fine++;
          else if (named) figures.named++;
          else figures.unnamed++;
          expect(crashed, `${name}: crashed (${r.signal ?? r.code}): ${out.slice(0, 400)}`).toBe(false);
          // a failure names the file; a damaged settings file is never believed quietly. Missing is
          // a state these files have (no change pending, no token stored, factory settings).
          if (damage !== 'missing' && (r.code !== 0 || file.endsWith('appliance.ini')))
            expect(named, `${name}: exit ${r.code} without naming ${basename(file)}: ${out.slice(0, 400)}`).toBe(true);
        });
      }
});
