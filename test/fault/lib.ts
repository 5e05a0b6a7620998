// The fault harness's shared parts: a network namespace of the test's own with the
// appliance's interfaces (veth pairs, documentation ranges only), appliance roots for the
// network scripts, what the live interfaces must be for a netplan YAML, the processes a root
// left behind (rollback timers), and the temps, journal and lock a dead writer can leave.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRoot, waitFor, type Root } from '../system/helpers.js';

/** The appliance's interfaces in the namespace: two management ports and one capture port. */
export const IFACES = ['ccm0', 'ccm1', 'cap0'] as const;

/** The YAML an appliance root starts with, and the live state that goes with it. */
export const SEED_YAML = `# seeded by the fault harness
network:
  version: 2
  renderer: networkd
  ethernets:
    ccm0:
      addresses: [192.0.2.10/24]
    ccm1:
      addresses: [203.0.113.10/24]
`;

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

export interface Netns {
  name: string;
  /** the live state SEED_YAML describes (what the appliance booted with) */
  reset(): void;
  /** an interface's live IPv4 addresses (CIDR) and whether it is promiscuous */
  live(ifc: string): { v4: string[]; promisc: boolean };
  remove(): void;
}

/** A namespace NAME holding ccm0, ccm1, cap0 (veth pairs whose peers stay in it, up). */
export function makeNetns(name: string): Netns {
  ip('netns', 'add', name);
  for (const ifc of IFACES) {
    ip('-n', name, 'link', 'add', ifc, 'type', 'veth', 'peer', 'name', `${ifc}p`);
    ip('-n', name, 'link', 'set', `${ifc}p`, 'up');
  }
  ip('-n', name, 'link', 'set', 'lo', 'up');
  const ns: Netns = {
    name,
    reset() {
      for (const ifc of IFACES) {
        ip('-n', name, 'addr', 'flush', 'dev', ifc);
        ip('-n', name, 'link', 'set', ifc, 'up', 'promisc', 'off');
      }
      ip('-n', name, 'addr', 'add', '192.0.2.10/24', 'dev', 'ccm0');
      ip('-n', name, 'addr', 'add', '203.0.113.10/24', 'dev', 'ccm1');
    },
    live(ifc) {
      const l = JSON.parse(ip('-n', name, '-d', '-j', 'addr', 'show', 'dev', ifc)) as {
        promiscuity?: number;
        addr_info: { family: string; local: string; prefixlen: number }[];
      }[];
      return {
        v4: l.flatMap((x) => x.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`)),
        promisc: (l[0]?.promiscuity ?? 0) > 0,
      };
    },
    remove() {
      spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    },
  };
  ns.reset();
  return ns;
}

/** Whether the network tests can run here (root, iproute2, python3 with yaml). */
export const netTools = ['root', 'ip', 'setsid', '/usr/bin/python3'];

export type NetRoot = Root & { yaml: string; pending: string; demoLinks: string; state: string };

/** An appliance root with SEED_YAML as its netplan file (demo: links recorded, not live). */
export function netRoot(demo: boolean): NetRoot {
  const r = makeRoot({ demo });
  const yaml = join(r.dir, 'etc/netplan/01-netcfg.yaml');
  mkdirSync(join(r.dir, 'etc/netplan'), { recursive: true });
  writeFileSync(yaml, SEED_YAML, { mode: 0o600 });
  const state = join(r.dir, 'var/lib/confconsole');
  return { ...r, yaml, pending: join(state, 'net-pending.json'), demoLinks: join(state, 'demo-links.json'), state };
}

export interface Want {
  mode: 'static' | 'capture' | 'dhcp' | 'none';
  v4: string[];
}

/**
 * What each interface must be live for a netplan YAML text, read independently of the
 * scripts' own model (python3's yaml): IPv4 `addresses` → static with those; `dhcp4` → dhcp;
 * a stanza without an address → capture (up, promiscuous, no address); absent → none (no
 * address, not promiscuous).
 */
export function wantFromYaml(text: string, ifaces: readonly string[] = IFACES): Record<string, Want> {
  const r = spawnSync(
    '/usr/bin/python3',
    [
      '-c',
      `import json,sys,yaml
d=yaml.safe_load(sys.stdin.read()) or {}
eth=((d.get('network') or {}).get('ethernets') or {})
out={}
for n in sys.argv[1:]:
    st=eth.get(n)
    if st is None: out[n]={'mode':'none','v4':[]}; continue
    st=st or {}
    v4=[str(a) for a in st.get('addresses') or [] if ':' not in str(a)]
    if st.get('dhcp4') in (True,'true','yes'): out[n]={'mode':'dhcp','v4':[]}
    elif v4: out[n]={'mode':'static','v4':v4}
    else: out[n]={'mode':'capture','v4':[]}
print(json.dumps(out))`,
      ...ifaces,
    ],
    { input: text, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`the netplan YAML does not parse: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Where the live namespace differs from what the YAML text says (empty: they agree). */
export function liveMismatches(ns: Netns, yamlText: string): string[] {
  const want = wantFromYaml(yamlText);
  const out: string[] = [];
  for (const ifc of IFACES) {
    const w = want[ifc]!;
    if (w.mode === 'dhcp') continue; // the harness makes no DHCP changes
    const l = ns.live(ifc);
    const promisc = w.mode === 'capture';
    if (JSON.stringify(l.v4) !== JSON.stringify(w.v4) || l.promisc !== promisc)
      out.push(`${ifc}: live ${JSON.stringify(l)}, the YAML says ${w.mode} ${JSON.stringify(w.v4)}`);
  }
  return out;
}

/** Where the demo appliance's recorded links differ from what the YAML says. */
export function demoMismatches(r: NetRoot): string[] {
  if (!existsSync(r.demoLinks)) return []; // never recorded: derived from the YAML when read
  const want = wantFromYaml(readFileSync(r.yaml, 'utf8'));
  const links = JSON.parse(readFileSync(r.demoLinks, 'utf8')) as { ifname: string; flags?: string[]; addr_info?: { family: string; local: string; prefixlen: number }[] }[];
  const out: string[] = [];
  for (const [ifc, w] of Object.entries(want)) {
    const l = links.find((x) => x.ifname === ifc);
    if (!l) continue;
    const v4 = (l.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`);
    if (w.mode === 'static' && JSON.stringify(v4) !== JSON.stringify(w.v4)) out.push(`${ifc}: recorded ${JSON.stringify(v4)}, the YAML says ${JSON.stringify(w.v4)}`);
    if ((w.mode === 'capture' || w.mode === 'none') && v4.length > 0) out.push(`${ifc}: recorded ${JSON.stringify(v4)}, the YAML says ${w.mode}`);
  }
  return out;
}

/** Temp files (.NAME.cc-…) anywhere under the root (the directories the writers stage in). */
export function tempsUnder(dir: string): string[] {
  const hits: string[] = [];
  const walk = (rel: string) => {
    let names: string[];
    try {
      names = readdirSync(join(dir, rel));
    } catch {
      return;
    }
    for (const n of names) {
      const r = rel ? `${rel}/${n}` : n;
      if (r === '.test') continue;
      if (/^\..+\.cc-/.test(n)) hits.push(r);
      else {
        try {
          if (readdirSync(join(dir, r))) walk(r);
        } catch {
          /* a file */
        }
      }
    }
  };
  walk('');
  return hits.sort();
}

/** Is the writers' lock free (flock -n succeeds at once)? */
export function lockFree(r: Root): boolean {
  if (!existsSync(r.lock)) return true;
  return spawnSync('flock', ['-n', r.lock, 'true'], { stdio: 'ignore' }).status === 0;
}

/** The journal file of a root (present: a change was interrupted and not yet recovered). */
export const txnOf = (r: Root) => join(r.dir, 'var/lib/confconsole/txn');

/**
 * Processes started for ROOT (their environment names it as CONFCONSOLE_ROOT): the rollback
 * timers the network scripts arm in their own session, which outlive a killed writer.
 */
export function processesOf(rootDir: string): number[] {
  const needle = Buffer.from(`CONFCONSOLE_ROOT=${rootDir}\0`);
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${p}/environ`).includes(needle)) pids.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return pids;
}

/** Ends the processes a root's scripts left running (by pid), and waits until they are gone. */
export async function endProcessesOf(rootDir: string): Promise<void> {
  const pids = processesOf(rootDir);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await waitFor(`the processes of ${rootDir} to end`, () => processesOf(rootDir).length === 0, 5000, 20);
}

/** The rollback timers among them (armed on purpose to outlive the writer). */
const isTimer = (pid: number) => {
  const c = (() => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return '';
    }
  })();
  return c.includes('net-rollback-timer') || (c.includes('net_rollback.sh') && c.includes('--timer'));
};

/**
 * Waits until no writer of ROOT runs any more (its rollback timers aside): a script the
 * command line started survives the command line's death by design, and ends its change.
 */
export async function writersDone(rootDir: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(`the writers of ${rootDir} to end`, () => processesOf(rootDir).filter((p) => !isTimer(p)).length === 0, timeoutMs, 20);
}

/** A network namespace name nobody else uses (unique per process and call). */
let nsCount = 0;
export const uniqueNs = (what: string) => `ccf-${what}-${process.pid}-${nsCount++}`;
