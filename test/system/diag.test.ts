// The Diagnostic Functions for real (diag.sh), in three network namespaces of this test:
//   A (the appliance, 192.0.2.10) — B (its gateway and router: 192.0.2.1, 198.51.100.1; a
//   dnsmasq DNS server and a chronyd NTP server on 192.0.2.1) — C (198.51.100.20: the Call-Home
//   host, a TCP listener on port 443).
// The master is test/system/master-fixture.ts on the host's loopback, reached from A's own
// loopback (127.0.0.1:8443) through a relay over a unix socket, which crosses namespaces.
// diag.sh runs its probes in A (CONFCONSOLE_NETNS). Nothing touches the host's network.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { removeTree } from '../support/cleanup.js';
import { startMaster, type MasterFixture } from './master-fixture.js';
import { makeRoot, REPO, removeRoots, runCommand, runScript, scriptEnv, stopPid, waitFor, type Root } from './helpers.js';

const why = missing('system: diagnostic functions in network namespaces', ['root', 'ip', 'ping', 'traceroute', 'dig', 'dnsmasq', 'chronyd', 'tcpdump', 'nc', 'ss', 'curl', 'openssl']);

const tag = `${process.pid % 100000}`;
const A = `ccdg-a-${tag}`;
const B = `ccdg-b-${tag}`;
const C = `ccdg-c-${tag}`;
const ip = (...args: string[]) => {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const inNs = (ns: string, cmd: string, args: string[]) => spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });

interface Row {
  check: string;
  status: 'ok' | 'fail' | 'skip';
  detail: string;
  advice: string;
}

let dir = '';
let root: Root;
let master: MasterFixture | undefined;
let dnsmasq: ChildProcess | undefined;
let listener: ChildProcess | undefined;
let relay: ChildProcess | undefined;
let relayHost: net.Server | undefined;
let chronydPid: number | undefined;
const env = () => ({ CONFCONSOLE_NETNS: A });
const diag = (args: string[], r = root) => runScript('diag.sh', args, r.dir, env());

/** Whether something in namespace NS accepts TCP at HOST:PORT (nc -z). */
const accepts = (ns: string, host: string, port: number) => spawnSync('ip', ['netns', 'exec', ns, 'nc', '-z', '-w', '1', host, String(port)]).status === 0;

function startDns(): void {
  dnsmasq = inNs(B, 'dnsmasq', ['-k', '-C', '/dev/null', '--no-resolv', '--no-hosts', '-u', 'root', '--listen-address=192.0.2.1', '--bind-interfaces', '--host-record=callhome.example,198.51.100.20', `--pid-file=${dir}/dnsmasq.pid`]);
}
async function dnsAnswers(): Promise<boolean> {
  const r = spawnSync('ip', ['netns', 'exec', A, 'dig', '+time=1', '+tries=1', '+short', '@192.0.2.1', 'callhome.example'], { encoding: 'utf8' });
  return r.stdout.trim() === '198.51.100.20';
}
function startListener(): void {
  // the Call-Home server's port: accepts and closes each connection
  listener = inNs(C, 'python3', ['-c', "import socket\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(('198.51.100.20',443));s.listen()\nwhile True: s.accept()[0].close()"]);
}
async function stop(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise((r) => p.once('exit', r));
  p.kill('SIGKILL');
  await gone;
}

describe.skipIf(why !== undefined)('diag.sh in a namespace chain A — B — C', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cc-diag-'));
    for (const ns of [A, B, C]) ip('netns', 'add', ns);
    // pairs made inside a namespace, one end moved at once: the host's namespace is never touched
    ip('-n', A, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'b0', 'netns', B);
    ip('-n', B, 'link', 'add', 'b1', 'type', 'veth', 'peer', 'name', 'c0', 'netns', C);
    for (const [ns, ifc] of [[A, 'lo'], [A, 'a0'], [B, 'lo'], [B, 'b0'], [B, 'b1'], [C, 'lo'], [C, 'c0']] as const) ip('-n', ns, 'link', 'set', ifc, 'up');
    ip('-n', A, 'addr', 'add', '192.0.2.10/24', 'dev', 'a0');
    ip('-n', B, 'addr', 'add', '192.0.2.1/24', 'dev', 'b0');
    ip('-n', B, 'addr', 'add', '198.51.100.1/24', 'dev', 'b1');
    ip('-n', C, 'addr', 'add', '198.51.100.20/24', 'dev', 'c0');
    ip('-n', A, 'route', 'add', 'default', 'via', '192.0.2.1');
    ip('-n', C, 'route', 'add', 'default', 'via', '198.51.100.1');
    spawnSync('ip', ['netns', 'exec', B, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);

    startDns();
    startListener();
    // chronyd as the NTP server on B (never touching a clock: -x)
    writeFileSync(join(dir, 'chrony.conf'), ['local stratum 8', 'allow all', 'port 123', 'bindaddress 192.0.2.1', 'cmdport 0', `pidfile ${dir}/chronyd.pid`, `driftfile ${dir}/chrony.drift`].join('\n') + '\n');
    const c = spawnSync('ip', ['netns', 'exec', B, 'chronyd', '-x', '-u', 'root', '-f', join(dir, 'chrony.conf')], { encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
    chronydPid = await waitFor('the NTP server pid file', () => Number((() => { try { return readFileSync(join(dir, 'chronyd.pid'), 'utf8'); } catch { return ''; } })().trim()) || undefined, 5000, 50);

    // the master: the loopback fixture, reached from A's 127.0.0.1:8443 through a unix socket
    master = await startMaster();
    const sock = join(dir, 'master.sock');
    relayHost = net.createServer((c) => {
      const u = net.connect(master!.port, '127.0.0.1');
      c.pipe(u).pipe(c);
      c.on('error', () => u.destroy());
      u.on('error', () => c.destroy());
    });
    await new Promise<void>((r) => relayHost!.listen(sock, r));
    relay = inNs(A, process.execPath, ['-e', `const net=require('net');net.createServer(c=>{const u=net.connect(${JSON.stringify(sock)});c.pipe(u).pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy())}).listen(8443,'127.0.0.1')`]);

    root = makeRoot();
    writeFileSync(root.ini, '[appliance]\nprofile = vsensor\n\n[callhome]\nenabled = yes\nhost = callhome.example\nport = 443\n\n[master]\nmode = push-token\nhost = 127.0.0.1:8443\n');
    writeFileSync(root.conf, 'server 192.0.2.1 iburst\n');
    writeFileSync(join(root.dir, 'etc/resolv.conf'), 'nameserver 192.0.2.1\n');
    writeFileSync(join(root.dir, 'etc/confconsole/master-ca.pem'), master.caPem);
    mkdirSync(join(root.dir, 'etc/confconsole/secrets'), { recursive: true, mode: 0o700 });
    writeFileSync(join(root.dir, 'etc/confconsole/secrets/push_token'), master.token + '\n', { mode: 0o600 });

    await waitFor('dnsmasq to answer', dnsAnswers, 10_000);
    await waitFor('the Call-Home port to listen', () => accepts(A, '198.51.100.20', 443), 10_000);
    await waitFor('the master relay to listen', () => accepts(A, '127.0.0.1', 8443), 10_000);
  }, 60_000);

  afterAll(async () => {
    for (const p of [dnsmasq, listener, relay]) await stop(p);
    await stopPid(chronydPid);
    relayHost?.close();
    await master?.close();
    for (const ns of [A, B, C]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    removeRoots();
    if (dir) removeTree(dir);
  });

  it('ping across two hops: every answer streamed, the summary counted', async () => {
    const r = await diag(['ping', '198.51.100.20', '--count', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ ok: true, host: '198.51.100.20', sent: 2, received: 2, loss: 0 });
    expect(r.stderr).toMatch(/64 bytes from 198\.51\.100\.20: icmp_seq=1/);
    expect(r.stderr).toMatch(/2 packets transmitted, 2 received/);
  });

  it('traceroute shows both hops, the router first', async () => {
    const r = await diag(['traceroute', '198.51.100.20']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.reached).toBe(true);
    expect(r.json.hops.map((h: { address: string }) => h.address)).toEqual(['192.0.2.1', '198.51.100.20']);
  });

  it('a ping nothing answers is a result (exit 5), not an error', async () => {
    const r = await diag(['ping', '198.51.100.99', '--count', '1']);
    expect(r.code, r.stderr).toBe(5);
    expect(r.json).toMatchObject({ ok: false, sent: 1, received: 0 });
  });

  it('looks a name up through each configured DNS server, saying which answered', async () => {
    writeFileSync(join(root.dir, 'etc/resolv.conf'), 'nameserver 192.0.2.1\nnameserver 192.0.2.99\n');
    try {
      const r = await diag(['dns', 'CallHome.Example']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json.name).toBe('callhome.example');
      expect(r.json.servers).toEqual([
        { server: '192.0.2.1', from: 'resolv.conf', answered: true, status: { A: 'NOERROR', AAAA: expect.any(String) }, addresses: ['198.51.100.20'] },
        { server: '192.0.2.99', from: 'resolv.conf', answered: false, status: {}, addresses: [] },
      ]);
    } finally {
      writeFileSync(join(root.dir, 'etc/resolv.conf'), 'nameserver 192.0.2.1\n');
    }
  });

  it('also asks the servers netplan sets for the management interface, each labelled with where it comes from', async () => {
    const plan = join(root.dir, 'etc/netplan/60-diag-test.yaml');
    const resolved = join(root.dir, 'run/systemd/resolve/resolv.conf');
    const a0mac = (JSON.parse(ip('-n', A, '-j', 'link', 'show', 'a0')) as { address: string }[])[0]!.address;
    const dnsOf = async () => {
      const r = await diag(['dns', 'callhome.example']);
      expect(r.code, r.stderr).toBe(0);
      return (r.json.servers as { server: string; from: string; answered: boolean }[]).map((x) => [x.server, x.from, x.answered]);
    };
    // the servers that do not answer are real addresses with no DNS server: refused at once
    mkdirSync(join(root.dir, 'etc/netplan'), { recursive: true });
    mkdirSync(join(root.dir, 'run/systemd/resolve'), { recursive: true });
    try {
      // 1. netplan names a server the system does not use (not yet applied), and one it does
      writeFileSync(plan, 'network:\n  version: 2\n  ethernets:\n    a0:\n      addresses: [192.0.2.10/24]\n      nameservers:\n        addresses: [198.51.100.1, 192.0.2.1]\n');
      expect(await dnsOf()).toEqual([['192.0.2.1', 'resolv.conf, netplan (a0)', true], ['198.51.100.1', 'netplan (a0)', false]]);
      // 2. resolv.conf names only resolved's stub: resolved's upstream servers, then netplan's
      writeFileSync(join(root.dir, 'etc/resolv.conf'), 'nameserver 127.0.0.53\noptions edns0\n');
      writeFileSync(resolved, 'nameserver 198.51.100.20\nnameserver 192.0.2.1\n');
      expect(await dnsOf()).toEqual([['198.51.100.20', 'systemd-resolved', false], ['192.0.2.1', 'systemd-resolved, netplan (a0)', true], ['198.51.100.1', 'netplan (a0)', false]]);
      // 3. a stanza that matches the port by its MAC address (and an interface that is not the
      //    management one, whose server is not asked)
      writeFileSync(plan, `network:\n  version: 2\n  ethernets:\n    mgmt:\n      match: {macaddress: "${a0mac}"}\n      addresses: [192.0.2.10/24]\n      nameservers: {addresses: ["192.0.2.1"]}\n    other9:\n      addresses: [203.0.113.5/24]\n      nameservers: {addresses: ["203.0.113.53"]}\n`);
      writeFileSync(join(root.dir, 'etc/resolv.conf'), 'nameserver 192.0.2.10\n');
      expect(await dnsOf()).toEqual([['192.0.2.10', 'resolv.conf', false], ['192.0.2.1', 'netplan (a0)', true]]);
      // the network test asks the same servers, saying where each comes from
      const c = await diag(['check']);
      const dnsRows = (c.json.rows as Row[]).filter((x) => x.check.startsWith('DNS server'));
      expect(dnsRows.map((x) => [x.check, x.status])).toEqual([['DNS server 192.0.2.10 answers', 'fail'], ['DNS server 192.0.2.1 answers', 'ok']]);
      expect(dnsRows[1]!.detail).toMatch(/from netplan \(a0\)/);
    } finally {
      removeTree(plan);
      removeTree(join(root.dir, 'run/systemd'));
      writeFileSync(join(root.dir, 'etc/resolv.conf'), 'nameserver 192.0.2.1\n');
    }
  });

  it('names each DNS server once, and each place it comes from once, however often the files repeat it', async () => {
    const plans = [join(root.dir, 'etc/netplan/60-diag-a.yaml'), join(root.dir, 'etc/netplan/61-diag-b.yaml')];
    const a0mac = (JSON.parse(ip('-n', A, '-j', 'link', 'show', 'a0')) as { address: string }[])[0]!.address;
    const stanza = (id: string, dns: string) => `network:\n  version: 2\n  ethernets:\n    ${id}:\n${id === 'a0' ? '' : `      match: {macaddress: "${a0mac}"}\n`}      addresses: [192.0.2.10/24]\n      nameservers: {addresses: [${dns}]}\n`;
    const dnsOf = async () => {
      const r = await diag(['dns', 'callhome.example']);
      expect(r.code, r.stderr).toBe(0);
      return (r.json.servers as { server: string; from: string; answered: boolean }[]).map((x) => [x.server, x.from, x.answered]);
    };
    mkdirSync(join(root.dir, 'etc/netplan'), { recursive: true });
    try {
      // 1. two netplan files both name the management interface's server (netplan appends the lists)
      writeFileSync(plans[0]!, stanza('a0', '192.0.2.1'));
      writeFileSync(plans[1]!, stanza('a0', '"192.0.2.1"'));
      expect(await dnsOf()).toEqual([['192.0.2.1', 'resolv.conf, netplan (a0)', true]]);
      // the network test checks it once: one row, its origin said once
      const c = await diag(['check']);
      const dnsRows = (c.json.rows as Row[]).filter((x) => x.check.startsWith('DNS server'));
      expect(dnsRows.map((x) => [x.check, x.status]), c.stderr).toEqual([['DNS server 192.0.2.1 answers', 'ok']]);
      expect(dnsRows[0]!.detail).toBe('answered (NOERROR); from resolv.conf, netplan (a0)');
      // 2. one file, the port's stanza by its name and another by its MAC address
      removeTree(plans[1]!);
      writeFileSync(plans[0]!, stanza('a0', '192.0.2.1') + stanza('mgmt', '192.0.2.1').split('ethernets:\n')[1]);
      expect(await dnsOf()).toEqual([['192.0.2.1', 'resolv.conf, netplan (a0)', true]]);
      // 3. resolv.conf repeats a line, and an IPv6 server is written two ways (one server: ::1
      //    of the namespace, where nothing answers DNS, so it is refused at once)
      writeFileSync(join(root.dir, 'etc/resolv.conf'), 'nameserver ::1\nnameserver 192.0.2.1\nnameserver 192.0.2.1\n');
      writeFileSync(plans[0]!, stanza('a0', '"0:0:0::1", "0:0:0:0:0:0:0:1"'));
      expect(await dnsOf()).toEqual([['::1', 'resolv.conf, netplan (a0)', false], ['192.0.2.1', 'resolv.conf', true]]);
      // 4. an IPv4 server written as an IPv4-mapped IPv6 address
      writeFileSync(join(root.dir, 'etc/resolv.conf'), 'nameserver 192.0.2.1\n');
      writeFileSync(plans[0]!, stanza('a0', '"::ffff:192.0.2.1"'));
      expect(await dnsOf()).toEqual([['192.0.2.1', 'resolv.conf, netplan (a0)', true]]);
    } finally {
      for (const f of plans) removeTree(f);
      writeFileSync(join(root.dir, 'etc/resolv.conf'), 'nameserver 192.0.2.1\n');
    }
  });

  const rowsOf = (json: { rows: Row[] }) => Object.fromEntries(json.rows.map((x) => [x.check, x.status]));
  const HEALTHY = {
    'Link up': 'ok',
    'Address present': 'ok',
    'Default gateway answers': 'ok',
    'DNS server 192.0.2.1 answers': 'ok',
    'Call-Home host resolves': 'ok',
    'Call-Home host accepts TCP': 'ok',
    'Master answers HTTPS': 'ok',
    'NTP server 192.0.2.1 answers': 'ok',
  };
  /** Every row's promise: a FAIL says what to do, the others do not; exit 5 exactly when one fails. */
  function expectRows(json: { ok: boolean; rows: Row[] }, code: number | null) {
    for (const row of json.rows) {
      if (row.status === 'fail') expect(row.advice, JSON.stringify(row)).not.toBe('');
      else expect(row.advice, JSON.stringify(row)).toBe('');
    }
    const failed = json.rows.some((x) => x.status === 'fail');
    expect(json.ok).toBe(!failed);
    expect(code).toBe(failed ? 5 : 0);
  }

  it('the management network test passes on the healthy namespace, one row a check', async () => {
    const r = await diag(['check']);
    expectRows(r.json, r.code);
    expect(rowsOf(r.json), r.stderr).toEqual(HEALTHY);
    expect(r.json.iface).toBe('a0');
  });

  it('names the broken row when the gateway is removed', async () => {
    ip('-n', A, 'route', 'del', 'default');
    try {
      const r = await diag(['check']);
      expectRows(r.json, r.code);
      expect(r.code).toBe(5);
      const rows = rowsOf(r.json);
      expect(rows['Default gateway answers']).toBe('fail');
      expect(rows['Link up']).toBe('ok');
      expect(rows['DNS server 192.0.2.1 answers']).toBe('ok'); // on the local subnet
    } finally {
      ip('-n', A, 'route', 'add', 'default', 'via', '192.0.2.1');
    }
  });

  it('names the broken row when the DNS server is stopped', async () => {
    await stop(dnsmasq);
    try {
      const r = await diag(['check']);
      expectRows(r.json, r.code);
      const rows = rowsOf(r.json);
      expect(rows['DNS server 192.0.2.1 answers']).toBe('fail');
      expect(rows['Call-Home host resolves']).toBe('fail');
      expect(rows['Default gateway answers']).toBe('ok');
    } finally {
      startDns();
      await waitFor('dnsmasq to answer again', dnsAnswers, 10_000);
    }
  });

  it('names the broken row when the Call-Home port is closed', async () => {
    await stop(listener);
    try {
      const r = await diag(['check']);
      expectRows(r.json, r.code);
      expect(rowsOf(r.json)).toEqual({ ...HEALTHY, 'Call-Home host accepts TCP': 'fail' });
      // the console's command says the same: exit 5, the rows as JSON
      if (existsSync(join(REPO, 'dist/cli.js'))) {
        const c = await runCommand(join(REPO, 'bin/confconsole'), ['diag', 'check', '--json', '--root', root.dir], { ...scriptEnv(root.dir, env()) });
        expect(c.code, c.stderr).toBe(5);
        expect(rowsOf(c.json)).toEqual({ ...HEALTHY, 'Call-Home host accepts TCP': 'fail' });
      }
      // Call-Home off (said so, or not said at all): the appliance does not call home, so its
      // host is not checked and fails nothing (three copies of the root, checked at once)
      const ini = readFileSync(root.ini, 'utf8');
      const offs = [ini.replace('enabled = yes', 'enabled = no'), ini.replace('enabled = yes\n', ''), ini.replace('enabled = yes', 'enabled = no').replace('port = 443', 'port = 444')];
      const copies = offs.map((off) => {
        const d = mkdtempSync(join(dir, 'off-'));
        cpSync(root.dir, d, { recursive: true });
        writeFileSync(join(d, 'etc/confconsole/appliance.ini'), off);
        return d;
      });
      for (const r2 of await Promise.all(copies.map((d) => runScript('diag.sh', ['check'], d, env())))) {
        expectRows(r2.json, r2.code);
        expect(rowsOf(r2.json), r2.stderr).toEqual({ ...HEALTHY, 'Call-Home host resolves': 'skip', 'Call-Home host accepts TCP': 'skip' });
        expect(r2.code).toBe(0);
      }
    } finally {
      startListener();
      await waitFor('the Call-Home port to listen again', () => accepts(A, '198.51.100.20', 443), 10_000);
    }
  });

  it('the master row: skipped in Pull mode (the master connects in) and with no master, each saying why', async () => {
    const ini = readFileSync(root.ini, 'utf8');
    const cases: [string, string][] = [
      [ini.replace('mode = push-token\nhost = 127.0.0.1:8443\n', 'mode = pull\n'), 'not checked: Pull mode (the master connects to this vSensor)'],
      [ini.replace('mode = push-token\nhost = 127.0.0.1:8443\n', 'mode = pull\nhost = 127.0.0.1:8443\n'), 'not checked: Pull mode (the master connects to this vSensor)'],
      [ini.replace('[master]\nmode = push-token\nhost = 127.0.0.1:8443\n', ''), 'not checked: no master is set'],
    ];
    const copies = cases.map(([text]) => {
      expect(text).not.toBe(ini);
      const d = mkdtempSync(join(dir, 'master-'));
      cpSync(root.dir, d, { recursive: true });
      writeFileSync(join(d, 'etc/confconsole/appliance.ini'), text);
      return d;
    });
    const results = await Promise.all(copies.map((d) => runScript('diag.sh', ['check'], d, env())));
    results.forEach((r, i) => {
      expectRows(r.json, r.code);
      expect((r.json.rows as Row[]).find((x) => x.check === 'Master answers HTTPS'), r.stderr).toMatchObject({ status: 'skip', detail: cases[i]![1] });
    });
  });

  it('routes and neighbours (IPv4 and IPv6) and the sockets of the namespace, as data', async () => {
    const r = await diag(['routes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.routes4).toContainEqual(expect.objectContaining({ dst: 'default', gateway: '192.0.2.1', dev: 'a0' }));
    expect(r.json.routes6).toEqual(expect.any(Array));
    expect(r.json.neighbours).toContainEqual(expect.objectContaining({ dst: '192.0.2.1', dev: 'a0' })); // pinged above
    const s = await diag(['sockets']);
    expect(s.code, s.stderr).toBe(0);
    expect(s.json.sockets).toContainEqual(expect.objectContaining({ proto: 'tcp', state: 'LISTEN', local: '127.0.0.1:8443' }));
  });

  it('captures packets on an interface with a filter, decoded one line each', async () => {
    const cap = diag(['capture', 'a0', '--count', '2', '--filter', 'icmp and host 198.51.100.20']);
    // the capture is on once tcpdump says it listens (in the namespace); then traffic
    await waitFor('tcpdump to listen on a0', () => spawnSync('pgrep', ['-f', 'tcpdump -l -n -i a0']).status === 0, 10_000, 50);
    const ping = () => spawnSync('ip', ['netns', 'exec', A, 'ping', '-c', '1', '-W', '1', '198.51.100.20']);
    let done = false;
    void cap.then(() => (done = true));
    await waitFor('two packets captured', () => (ping(), done), 20_000, 100);
    const r = await cap;
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ ok: true, iface: 'a0', captured: 2, filter: 'icmp and host 198.51.100.20' });
    expect(r.stderr).toMatch(/IP 192\.0\.2\.10 > 198\.51\.100\.20: ICMP echo request/);
  });

  it('bad input of each kind: exit 2 naming the field, before anything runs', async () => {
    const cases: [string[], string][] = [
      [['ping', '-c'], 'host'],
      [['ping', '--', '192.0.2.1'], 'host'],
      [['ping', '192.0.2.1;reboot'], 'host'],
      [['ping', '192.0.2.1', '--count', '0'], 'count'],
      [['ping', '192.0.2.1', '--count', '101'], 'count'],
      [['traceroute', '-I'], 'host'],
      [['traceroute', '224.0.0.1'], 'host'],
      [['dns', '192.0.2.1'], 'name'],
      [['dns', '+short'], 'name'],
      [['capture', '-i'], 'iface'],
      [['capture', 'nosuch0'], 'iface'],
      [['capture', 'a0', '--count', '1001'], 'count'],
      [['capture', 'a0', '--filter', '-w /tmp/x'], 'filter'],
      [['capture', 'a0', '--filter', 'tcp prt 22'], 'filter'], // tcpdump -d refuses it
      [['capture', 'a0', '--filter', 'port 99999'], 'filter'],
    ];
    const results = await Promise.all(cases.map(([args]) => diag(args)));
    results.forEach((r, i) => {
      const [args, field] = cases[i]!;
      expect({ args, code: r.code, field: r.json?.field }, r.stderr).toEqual({ args, code: 2, field });
    });
    // nothing was captured for a refused filter: tcpdump -d only compiles it
    expect(results[13]!.stderr).not.toMatch(/listening on/);
  });

  it('the demo appliance refuses every function, naming the demo; nothing reaches the network', async () => {
    const demo = makeRoot({ demo: true });
    const all = [['ping', '192.0.2.1'], ['traceroute', '192.0.2.1'], ['dns', 'callhome.example'], ['check'], ['routes'], ['sockets'], ['capture', 'a0']];
    const results = await Promise.all(all.map((args) => runScript('diag.sh', args, demo.dir)));
    results.forEach((r, i) => {
      expect(r.code, all[i]!.join(' ')).toBe(1);
      expect(r.json.error).toMatch(/this is the demo appliance/);
      expect(r.json.error).toMatch(/nothing real to (ping|trace|look up|check|show|capture) \(/); // a verb, never the command's name
      expect(r.stderr).not.toMatch(/PING|traceroute to|listening on/);
    });
  });
});
