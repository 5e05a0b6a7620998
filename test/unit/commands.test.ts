// The command line as a table: every menu action has a command, every command declares its
// options (a stray one is refused), and the usage is generated from the same table.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { uncovered, treeOperations } from '../../src/commands/coverage.js';
import { UsageError } from '../../src/commands/output.js';
import { areaUsage, commandUsage, parseCommandLine, usage } from '../../src/commands/parse.js';
import { commands } from '../../src/features/index.js';
import appliance from '../../menus/appliance.js';
import vsensor from '../../menus/vsensor.js';

const trees = [appliance, vsensor];
const dummyArgs = (n: number) => Array.from({ length: n }, (_, i) => `arg${i}`);

describe('every menu action has a command', () => {
  it('each operation the two trees run is covered by a command', () => {
    expect(uncovered(trees, commands)).toEqual([]);
  });
  it('the check would fail if a command were removed', () => {
    for (const c of commands) {
      const ops = new Set(trees.flatMap(treeOperations).map((x) => x.op));
      const only = c.covers.filter((op) => ops.has(op) && !commands.some((o) => o !== c && o.covers.includes(op)));
      if (only.length === 0) continue;
      const missing = uncovered(trees, commands.filter((o) => o !== c));
      expect(missing.length, c.path.join(' ')).toBeGreaterThan(0);
      for (const op of only) expect(missing.some((m) => m.endsWith(`(${op.id})`)), `${c.path.join(' ')} covers ${op.id}`).toBe(true);
    }
    expect(uncovered(trees, commands.filter((c) => c.path.join(' ') !== 'power reboot'))).toEqual(expect.arrayContaining([expect.stringMatching(/Reboot \(power.reboot\)$/)]));
  });
  it('the commands the issue asked for exist', () => {
    const paths = commands.map((c) => c.path.join(' '));
    for (const p of ['power reboot', 'power shutdown', 'appliance info', 'ossensor-hmac show', 'audit show', 'network set', 'network confirm']) expect(paths).toContain(p);
    const set = commands.find((c) => c.path.join(' ') === 'network set')!;
    expect(Object.keys(set.options ?? {})).toEqual(expect.arrayContaining(['factory', 'restore-confirmed']));
  });
});

describe('parsing: honest options', () => {
  it.each(commands.map((c) => [c.path.join(' '), c] as const))('%s --bogus is refused, naming the option', (_name, c) => {
    const argv = [...c.path, ...dummyArgs(c.nargs?.[0] ?? 0), '--bogus'];
    expect(() => parseCommandLine(argv, commands)).toThrow(UsageError);
    expect(() => parseCommandLine(argv, commands)).toThrow(/'--bogus'/);
  });
  it('an option of another command is refused too (ntp show --dhcp)', () => {
    expect(() => parseCommandLine(['ntp', 'show', '--dhcp'], commands)).toThrow(/Unknown option '--dhcp'/);
    expect(() => parseCommandLine(['--root', '/x', 'ntp', 'show', '--host', 'h'], commands)).toThrow(/Unknown option '--host'/);
  });
  it('the words name the longest command; the rest are its arguments, counted', () => {
    expect(parseCommandLine(['--root', '/x', 'ntp', 'set', 'a.example', 'b.example', '--json'], commands)).toMatchObject({ args: ['a.example', 'b.example'], opts: { root: '/x', json: true } });
    expect(parseCommandLine(['callhome', 'partner', 'set', '--host', 'h', '--port', '22'], commands).command?.path).toEqual(['callhome', 'partner', 'set']);
    expect(() => parseCommandLine(['ntp', 'show', 'extra'], commands)).toThrow(/unexpected argument: extra/);
    expect(() => parseCommandLine(['ntp', 'set'], commands)).toThrow(/needs SERVER\.\.\./);
    expect(() => parseCommandLine(['pcap', 'set', '1', '2'], commands)).toThrow(/unexpected argument: 2/);
  });
  it('an area alone is its usage; an unknown verb or word is refused', () => {
    expect(parseCommandLine(['ntp'], commands)).toMatchObject({ area: 'ntp' });
    expect(() => parseCommandLine(['ntp', 'bogus'], commands)).toThrow(/unknown command: ntp bogus/);
    expect(() => parseCommandLine(['bogus'], commands)).toThrow(/unknown command: bogus/);
    expect(parseCommandLine([], commands)).toEqual({ args: [], opts: {} });
  });
  // parseArgs takes a word beginning with a dash for an option: "-1" was "Unknown option '-1'" and
  // "--seconds -5" an "ambiguous" argument; a negative number is a value, which its rule refuses
  it.each([
    [['pcap', 'set', '-1'], ['-1'], {}],
    [['pcap', 'set', '-0.5', '--json'], ['-0.5'], { json: true }],
    [['pcap', 'set', '-12GB'], ['-12GB'], {}],
    [['traffic', 'devices', '--seconds', '-5'], [], { seconds: '-5' }],
    [['traffic', 'devices', '--seconds', '-30', '--iface', 'eth1'], [], { seconds: '-30', iface: 'eth1' }],
    [['ntp', 'set', '-1.2.3.4', 'b.example'], ['-1.2.3.4', 'b.example'], {}],
  ])('a negative number is a value, not an option: %j', (argv, args, opts) => {
    expect(parseCommandLine(argv, commands)).toMatchObject({ args, opts });
  });
  it('options are options still: -h, -V; a dash and a letter that is no option is refused; too many arguments named as typed', () => {
    expect(parseCommandLine(['pcap', 'set', '-h'], commands).opts.help).toBe(true);
    expect(parseCommandLine(['-V'], commands).opts.version).toBe(true);
    expect(() => parseCommandLine(['pcap', 'set', '-x'], commands)).toThrow(/Unknown option '-x'/);
    expect(() => parseCommandLine(['pcap', 'set', '5', '-7'], commands)).toThrow(/^pcap set: unexpected argument: -7$/);
    expect(() => parseCommandLine(['-1'], commands)).toThrow(/^unknown command: -1$/);
  });
  it('an option keeps one type across commands (the words are found before the command is known)', () => {
    const types = new Map<string, string>();
    for (const c of commands)
      for (const [k, o] of Object.entries(c.options ?? {})) {
        expect(types.get(k) ?? o.type, `--${k}`).toBe(o.type);
        types.set(k, o.type);
      }
  });
});

describe('usage from the same table', () => {
  it('the whole usage lists every command; each has its own, with its options', () => {
    const u = usage(commands);
    for (const c of commands) expect(u).toContain(c.path.join(' '));
    const set = commandUsage(commands.find((c) => c.path.join(' ') === 'network set')!);
    expect(set).toMatch(/^Usage: confconsole network set IFACE \[OPTIONS\] \[--json\]/);
    expect(set).toContain('--confirm-timeout S');
    expect(set).toContain('--factory');
    expect(areaUsage('ntp', commands)).toMatch(/ntp show[\s\S]*ntp set SERVER\.\.\.[\s\S]*ntp test SERVER\.\.\./);
  });
});

describe("--help lists the commands of this appliance's console (the manual page: each console's, grouped)", () => {
  const help = async (args: string[], env: Record<string, string> = {}) => {
    const { main } = await import('../../src/cli.js');
    const out: string[] = [];
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((t) => (out.push(String(t)), true));
    try {
      expect(await main([...args, '--help'])).toBe(0);
    } finally {
      spy.mockRestore();
      process.env = saved;
    }
    return out.join('');
  };
  const listed = (u: string) => u.split('\n').filter((l) => /^  [a-z]/.test(l)).map((l) => l.trim().split(/\s{2,}/)[0]!.split(' ').filter((w) => /^[a-z-]+$/.test(w)).join(' '));
  const only = { appliance: ['callhome show', 'topology convert-to-probe', 'services restart'], vsensor: ['master set pull', 'pcap set', 'ossensor-hmac set', 'keyboard set'] };
  it('--profile vsensor: none of the appliance-only commands (and the other way round); both have the shared ones', async () => {
    const v = listed(await help(['--profile', 'vsensor']));
    const a = listed(await help(['--profile', 'appliance']));
    for (const c of only.appliance) expect(v).not.toContain(c), expect(a).toContain(c);
    for (const c of only.vsensor) expect(a).not.toContain(c), expect(v).toContain(c);
    for (const c of ['ntp set', 'network show', 'health', 'appliance info']) expect(v).toContain(c), expect(a).toContain(c);
  });
  it('the profile of the appliance at the root (appliance.ini) decides; no appliance there: every command once, grouped by console', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cc-help-'));
    mkdirSync(join(root, 'etc/confconsole'), { recursive: true });
    writeFileSync(join(root, 'etc/confconsole/appliance.ini'), '[appliance]\nprofile = vsensor\n');
    const v = listed(await help(['--root', root]));
    expect(v).not.toContain('callhome show');
    expect(v).toContain('pcap set');
    const none = await help([], { CONFCONSOLE_ROOT: join(root, 'nothing-here') });
    expect(none).toMatch(/Commands of every console[\s\S]*Commands of the master\/probe appliance only:[\s\S]*Commands of the vSensor only:/);
    expect([...listed(none)].sort()).toEqual(commands.map((c) => c.path.join(' ')).sort());
    rmSync(root, { recursive: true, force: true });
  });
});

describe('the command line refuses what the console of this appliance would not offer', () => {
  const trees = { appliance, vsensor };
  const cmd = (p: string) => commands.find((c) => c.path.join(' ') === p)!;
  it('an area belongs to the consoles whose tree has it; the audit log and appliance info to both', async () => {
    const { profilesOf } = await import('../../src/commands/scope.js');
    expect(profilesOf(cmd('master set push'), commands, trees)).toEqual(['vsensor']);
    expect(profilesOf(cmd('master test'), commands, trees)).toEqual(['vsensor']); // no screen of its own: its area's
    expect(profilesOf(cmd('callhome ports'), commands, trees)).toEqual(['appliance']);
    expect(profilesOf(cmd('ntp set'), commands, trees)).toEqual(['appliance', 'vsensor']);
    expect(profilesOf(cmd('audit show'), commands, trees)).toEqual(['appliance', 'vsensor']);
  });
  it('what changes the appliance is derived from the flows it mirrors', async () => {
    const { writesOf } = await import('../../src/commands/scope.js');
    const w = (p: string) => writesOf(cmd(p), [appliance, vsensor]);
    for (const p of ['ntp set', 'network set', 'network confirm', 'power reboot', 'services restart', 'callhome enable', 'callhome restart', 'master set pull', 'pcap set', 'ossensor-hmac set'])
      expect(w(p), p).toBe(true);
    for (const p of ['ntp show', 'ntp test', 'network show', 'audit show', 'appliance info', 'callhome status', 'callhome pubkey', 'master show', 'master test', 'pcap show'])
      expect(w(p), p).toBe(false);
  });
});

describe('more honest parsing', () => {
  it('an option given twice is refused, not silently the last', () => {
    expect(() => parseCommandLine(['network', 'set', 'eth0', '--static', '--address', '10.0.0.5', '--netmask', '24', '--address', '10.0.0.6'], commands)).toThrow('--address is given twice');
  });
  it('the first words of some commands print their usage: callhome partner', () => {
    expect(parseCommandLine(['callhome', 'partner'], commands)).toMatchObject({ area: 'callhome partner' });
    expect(areaUsage('callhome partner', commands)).toMatch(/callhome partner set[\s\S]*callhome partner disable/);
    expect(areaUsage('callhome partner', commands)).not.toMatch(/callhome status/);
  });
});
