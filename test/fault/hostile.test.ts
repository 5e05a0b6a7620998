// Hostile input over every argument of every script and command, every secret read on stdin,
// and the environment dhclient gives its hook: command substitution, backticks, `;`, `|`, `&&`,
// newlines, quotes, option look-alikes, escape sequences, huge and empty values. Each payload
// that a shell would run creates a canary file: no run may create it. No run may crash (exit
// 70 or a signal) or end in a shell's own error ("syntax error", "command not found"), and a
// refusal must not print the value back raw (an escape sequence would reach the terminal).
// The appliance is a demo root, and PATH starts with stand-ins for every command that acts on
// the host (reboot, systemctl, netplan, ...), which only record that they were called.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { REPO, makeRoot, removeRoots, rng, runCommand, script, scriptEnv, testSeed, type RunResult } from '../system/helpers.js';
import { makeNetns, uniqueNs, type Netns } from './lib.js';
import { writeFigures } from './sampler.js';

const CASES = Number(process.env.CONFCONSOLE_FAULT_HOSTILE ?? 160);
const why = missing('fault: hostile input', ['root', 'ip', 'flock', 'bash']);
const CLI = join(REPO, 'bin/confconsole');
const built = existsSync(join(REPO, 'dist/cli.js'));

const canaryDir = mkdtempSync(join(tmpdir(), 'cc-fault-canary-'));
const CANARY = join(canaryDir, 'pwned');
/** payloads: each would create CANARY if a shell ran it */
const PAYLOADS = [
  `$(touch ${CANARY})`,
  `\`touch ${CANARY}\``,
  `x;touch ${CANARY}`,
  `x|touch ${CANARY}`,
  `x&&touch ${CANARY}`,
  `x\ntouch ${CANARY}`,
  `'$(touch ${CANARY})'`,
  `"$(touch ${CANARY})"`,
  `x$(touch${'${IFS}'}${CANARY})`,
  `a.example.org $(touch ${CANARY})`,
  `--host=$(touch ${CANARY})`,
  `-e touch ${CANARY}`,
  `http://h:1/$(touch ${CANARY})`,
  `x\x1b]0;title\x07\x1b[2J$(touch ${CANARY})`,
  `x>${CANARY}`,
  `<(touch ${CANARY})`,
  `$((\`touch ${CANARY}\`))`,
  `lab:$(touch ${CANARY})`,
];
/** values that are not shell but still hostile: empty, option-like, huge, control bytes */
const ODD = ['', '-', '--', '-h ', '--help=x', 'x'.repeat(20_000), '\x00x', '../../../../etc/shadow', '%s%s%n', '\u202e\u0000', ' '];

type Target = { what: string; cmd: 'script' | 'cli' | 'hook'; name?: string; argv: string[]; input?: string; env?: Record<string, string> };
/** every script and command with valid-looking values; P marks where a payload goes */
const TEMPLATES: Target[] = [
  { what: 'set_ntp.sh', cmd: 'script', name: 'set_ntp.sh', argv: ['P', 'ntp.example.org'] },
  { what: 'test_ntp.sh', cmd: 'script', name: 'test_ntp.sh', argv: ['--timeout', '1', 'P'] },
  { what: 'set_pushtoken.sh', cmd: 'script', name: 'set_pushtoken.sh', argv: ['P', 'http://127.0.0.1:9'], input: 'lab:Abcdefghijklmnopqrst\n' },
  { what: 'set_dcip_hmac.sh', cmd: 'script', name: 'set_dcip_hmac.sh', argv: [], input: 'P' },
  { what: 'set_ossensor_hmac.sh', cmd: 'script', name: 'set_ossensor_hmac.sh', argv: [], input: 'P' },
  { what: 'set_push.sh', cmd: 'script', name: 'set_push.sh', argv: ['--check', 'P'] },
  { what: 'test_master.sh', cmd: 'script', name: 'test_master.sh', argv: ['--timeout', '1', 'P', 'http://127.0.0.1:9'], input: 'lab:Abcdefghijklmnopqrst\n' },
  { what: 'set_pcap.sh', cmd: 'script', name: 'set_pcap.sh', argv: ['--check', 'P'] },
  { what: 'set_callhome.sh', cmd: 'script', name: 'set_callhome.sh', argv: ['--host', 'P', '--port', '22', '--proxy', 'http://127.0.0.1:9', '--proxy-user', 'ops'], input: 'pw\n' },
  { what: 'set_callhome.sh --proxy-user', cmd: 'script', name: 'set_callhome.sh', argv: ['--host', 'ch.example.org', '--port', '22', '--proxy', 'http://127.0.0.1:9', '--proxy-user', 'P'], input: 'P' },
  { what: 'set_partner.sh', cmd: 'script', name: 'set_partner.sh', argv: ['--host', 'P', '--port', 'P'] },
  { what: 'set_network.sh', cmd: 'script', name: 'set_network.sh', argv: ['P', '--static', '--address', 'P', '--netmask', 'P', '--gateway', 'P', '--dns', 'P', '--domain', 'P', '--confirm-timeout', 'P'] },
  { what: 'net_rollback.sh', cmd: 'script', name: 'net_rollback.sh', argv: ['--reason', 'P'] },
  { what: 'net_rollback.sh --timer', cmd: 'script', name: 'net_rollback.sh', argv: ['--timer', 'P'] },
  { what: 'net_confirm.sh', cmd: 'script', name: 'net_confirm.sh', argv: ['P'] },
  { what: 'net_ack_rollbacks.sh', cmd: 'script', name: 'net_ack_rollbacks.sh', argv: ['P'] },
  { what: 'recover.sh', cmd: 'script', name: 'recover.sh', argv: ['P'] },
  { what: 'restart_services.sh', cmd: 'script', name: 'restart_services.sh', argv: ['P'] },
  { what: 'power.sh', cmd: 'script', name: 'power.sh', argv: ['P'] },
  { what: 'show_network.sh', cmd: 'script', name: 'show_network.sh', argv: ['P'] },
  { what: 'callhome.sh', cmd: 'script', name: 'callhome.sh', argv: ['P'] },
  { what: 'callhome.sh ports', cmd: 'script', name: 'callhome.sh', argv: ['ports', 'P'] },
  { what: 'callhome_proxy.sh', cmd: 'script', name: 'callhome_proxy.sh', argv: ['P', '9', 'P', 'P', 'P', 'P'] },
  { what: 'pcap_ring.sh', cmd: 'script', name: 'pcap_ring.sh', argv: ['--size-mb', 'P', '--iface', 'P'] },
  { what: 'net_dhclient_hook.sh (environment)', cmd: 'hook', argv: [], env: { reason: 'BOUND', interface: 'P', new_ip_address: 'P', new_subnet_mask: 'P', new_routers: 'P', old_ip_address: 'P' } },
  { what: 'confconsole ntp set', cmd: 'cli', argv: ['ntp', 'set', 'P'] },
  { what: 'confconsole ntp test', cmd: 'cli', argv: ['ntp', 'test', 'P'] },
  { what: 'confconsole network set', cmd: 'cli', argv: ['network', 'set', 'P', '--static', '--address', 'P', '--netmask', 'P', '--gateway', 'P', '--dns', 'P'] },
  { what: 'confconsole callhome set', cmd: 'cli', argv: ['callhome', 'set', '--host', 'P', '--port', 'P', '--proxy', 'P', '--proxy-user', 'P'], input: 'P' },
  { what: 'confconsole callhome ports', cmd: 'cli', argv: ['callhome', 'ports', 'P'] },
  { what: 'confconsole callhome partner set', cmd: 'cli', argv: ['callhome', 'partner', 'set', '--host', 'P', '--port', 'P'] },
  { what: 'confconsole master set push-token', cmd: 'cli', argv: ['master', 'set', 'push-token', '--host', 'P', '--proxy', 'P'], input: 'P' },
  { what: 'confconsole master set pull', cmd: 'cli', argv: ['master', 'set', 'pull'], input: 'P' },
  { what: 'confconsole master set push', cmd: 'cli', argv: ['master', 'set', 'push', '--host', 'P'] },
  { what: 'confconsole master test', cmd: 'cli', argv: ['master', 'test', '--host', 'P', '--proxy', 'P'] },
  { what: 'confconsole ossensor-hmac set', cmd: 'cli', argv: ['ossensor-hmac', 'set'], input: 'P' },
  { what: 'confconsole pcap set', cmd: 'cli', argv: ['pcap', 'set', 'P'] },
  { what: 'confconsole (an area)', cmd: 'cli', argv: ['P'] },
  { what: 'confconsole (a verb)', cmd: 'cli', argv: ['ntp', 'P'] },
  { what: 'confconsole --root', cmd: 'cli', argv: ['--profile', 'P', 'ntp', 'show'] },
];

/** every (template, position, payload): one payload in one position, the others as given */
function cases(): Target[] {
  const out: Target[] = [];
  for (const t of TEMPLATES) {
    const slots = [...t.argv.map((a, i) => (a === 'P' ? i : -1)).filter((i) => i >= 0).map((i) => ({ arg: i })), ...(t.input === 'P' ? [{ input: true }] : []), ...Object.entries(t.env ?? {}).filter(([, v]) => v === 'P').map(([k]) => ({ env: k }))];
    for (const slot of slots)
      for (const p of [...PAYLOADS, ...ODD]) {
        const fill = (v: string) => (v === 'P' ? 'x' : v);
        const argv = t.argv.map(fill);
        const env = Object.fromEntries(Object.entries(t.env ?? {}).map(([k, v]) => [k, fill(v)]));
        let input = t.input === undefined ? undefined : t.input === 'P' ? 'Abcdefghijklmnopqrst12\n' : t.input;
        if ('arg' in slot) argv[slot.arg!] = p;
        if ('input' in slot) input = p + '\n';
        if ('env' in slot) env[slot.env!] = p.replace(/\0/g, '');
        if (argv.some((a) => a.includes('\0'))) continue; // argv cannot carry NUL
        out.push({ ...t, what: `${t.what} [${'arg' in slot ? `arg ${slot.arg}` : 'input' in slot ? 'stdin' : `env ${slot.env}`}] ${JSON.stringify(p).slice(0, 40)}`, argv, input, env });
      }
  }
  return out;
}

describe.skipIf(why !== undefined || !built)('fault: hostile input reaches no shell', () => {
  let ns: Netns;
  let root: ReturnType<typeof makeRoot>;
  let fakeBin = '';
  let hostLog = '';
  beforeAll(async () => {
    ns = makeNetns(uniqueNs('hostile'));
    root = makeRoot({ demo: true });
    // stand-ins for what acts on the host: they record and fail
    fakeBin = join(root.testDir, 'bin');
    hostLog = join(root.testDir, 'host-commands.log');
    mkdirSync(fakeBin, { recursive: true });
    for (const c of ['reboot', 'shutdown', 'poweroff', 'halt', 'systemctl', 'service', 'netplan', 'systemd-run', 'telinit', 'init', 'autossh', 'tcpdump', 'dhclient']) {
      writeFileSync(join(fakeBin, c), `#!/bin/sh\nprintf '%s\\n' "${c} $*" >>'${hostLog}'\nexit 1\n`);
      chmodSync(join(fakeBin, c), 0o755);
    }
    // seeded by the console itself, as an operator's demo appliance is
    const seeded = await runCommand(process.execPath, [CLI, '--demo', '--root', root.dir, 'ntp', 'show'], scriptEnv(root.dir));
    expect(seeded.code, seeded.stderr).toBe(0);
  });
  afterAll(() => {
    ns?.remove();
    removeRoots();
    rmSync(canaryDir, { recursive: true, force: true });
  });

  it(`${CASES} hostile values (of ${cases().length}) create no canary, crash nothing, echo nothing raw`, { timeout: 60_000 + CASES * 2_000 }, async () => {
    const seed = testSeed();
    const R = rng(seed);
    const all = cases();
    // the bounded run: a random sample, every template at least once
    const picked = CASES >= all.length ? all : [...new Map(all.map((c) => [c.name ?? c.argv.join(' '), c])).values(), ...Array.from({ length: CASES }, () => R.pick(all))].slice(0, Math.max(CASES, TEMPLATES.length));
    const problems: string[] = [];
    let n = 0;
    for (const c of picked) {
      const env = { ...scriptEnv(root.dir, c.env ?? {}), PATH: `${fakeBin}:${process.env.PATH}` };
      let r: RunResult;
      if (c.cmd === 'cli') r = await runCommand(process.execPath, [CLI, '--root', root.dir, '--profile', 'vsensor', '--json', ...c.argv], env, c.input ?? '', { loopbackDns: true });
      else if (c.cmd === 'hook') r = await runCommand('ip', ['netns', 'exec', ns.name, script('net_dhclient_hook.sh')], env, undefined);
      else r = await runCommand(script(c.name!), c.argv, env, c.input, { loopbackDns: true });
      n++;
      const out = r.stdout + r.stderr;
      if (existsSync(CANARY)) {
        problems.push(`${c.what}: a shell ran the payload (canary created)`);
        rmSync(CANARY);
      }
      if (r.signal || r.code === 70 || r.code === null) problems.push(`${c.what}: crashed (${r.signal ?? r.code}): ${r.stderr.trim().split('\n').at(-1)}`);
      if (/syntax error|command not found|unbound variable|bad substitution|Traceback/i.test(out)) problems.push(`${c.what}: a shell or interpreter error: ${out.match(/.*(syntax error|command not found|unbound variable|bad substitution|Traceback).*/i)?.[0]}`);
      if (out.includes('\x1b]0;title') || out.includes('\x1b[2J')) problems.push(`${c.what}: an escape sequence printed raw`);
    }
    // nothing a demo appliance must never run on the host was run
    const host = existsSync(hostLog) ? readFileSync(hostLog, 'utf8').trim() : '';
    if (host) problems.push(`host commands run: ${host.split('\n').slice(0, 5).join('; ')}`);
    const figures = { seed, cases: n, of: all.length, canaries: problems.filter((p) => p.includes('canary')).length, crashes: problems.filter((p) => p.includes('crashed')).length, shellErrors: problems.filter((p) => p.includes('interpreter error')).length, rawEscapes: problems.filter((p) => p.includes('escape')).length };
    writeFigures('hostile', figures);
    console.info(`fault hostile: ${JSON.stringify(figures)}`);
    for (const p of problems.slice(0, 30)) console.info(`  ${p}`);
    // the ones that must never happen
    expect(problems.filter((p) => p.includes('canary') || p.includes('crashed') || p.includes('interpreter error') || p.startsWith('host commands'))).toEqual([]);
    // escaped echo of values is issue 10 item 8 (another change): reported, not failed here
    void spawnSync;
  });
});
